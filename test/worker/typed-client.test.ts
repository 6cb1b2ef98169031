import { exports } from "cloudflare:workers";
import { hc } from "hono/client";
import { describe, expect, it } from "vitest";
import type { AppType } from "../../worker/index";
import { useEmulator } from "../helpers";

useEmulator();

/** The page will call the API through Hono's typed client; its types come from the routes' zod schemas. */
const api = (key?: string) =>
  hc<AppType>("http://localhost/api/v1", {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
    headers: key ? { Authorization: `Bearer ${key}` } : undefined,
  });

describe("the typed client", () => {
  it("creates a visitor and a session, reads credits and the session, with typed answers", async () => {
    const made = await api().visitors.$post();
    if (made.status !== 201) throw new Error("no visitor");
    const visitor = await made.json();
    expect(visitor.visitorId).toMatch(/^[0-9a-f-]{36}$/);
    const client = api(visitor.key);
    const created = await client.sessions.$post({ json: { language: "en" } });
    if (created.status !== 201) throw new Error("no session");
    const { sessionId } = await created.json();
    const credits = await client.credits.$get();
    if (credits.status !== 200) throw new Error("credits failed");
    const balance = await credits.json();
    expect(balance.available).toBe(100);
    const session = await client.sessions[":id"].$get({ param: { id: sessionId } });
    if (session.status !== 200) throw new Error("session failed");
    const body = await session.json();
    expect(body.timeline.tracks).toEqual([]);
    expect(body.exportReady).toBe(false);
  });

  it("gets the error shape on a refusal", async () => {
    const answer = await api("not-a-key").credits.$get();
    expect(answer.status).toBe(401);
    const body = (await answer.json()) as unknown as { error: { code: string } };
    expect(body.error.code).toBe("unauthorized");
  });
});
