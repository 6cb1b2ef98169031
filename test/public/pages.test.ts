import { reset } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { call, chat, emulator, newSession, useEmulator } from "../helpers";

/** OWASP API8 (security misconfiguration): every HTML answer, errors included, carries a Content-Security-Policy. */
useEmulator();
afterEach(() => reset());

const directives = (policy: string | null) =>
  new Map((policy ?? "").split(";").map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([name, ...values]) => [name, values]));

/** A shared video's page, for the share pages among the HTML addresses. */
async function sharePage() {
  const { key, sessionId } = await newSession("en");
  await emulator.grantCredits(1000);
  await chat(key, sessionId, "generate a video of a fox in the snow");
  const { body } = await call(`/sessions/${sessionId}/exports`, { method: "POST", key, json: {} });
  for (let i = 0; i < 200 && (await call(`/exports/${body.exportId}`, { key })).body.status !== "completed"; i++)
    await new Promise((resolve) => setTimeout(resolve, 30));
  return (await call(`/videos/${body.exportId}/share`, { method: "POST", key })).body.shareUrl as string;
}

describe("every HTML page's headers", () => {
  it("the app, the API reference, share pages and their 404s all carry a policy that allows no script from elsewhere", async () => {
    const shared = await sharePage();
    const pages = ["/", "/videos", "/sessions/anything", "/api/docs", new URL(shared).pathname, `${new URL(shared).pathname}/embed`, "/v/AAAAAAAAAAAAAAAAAAAAAA", "/v/not-a-share-id"];
    for (const path of pages) {
      const answer = await exports.default.fetch(new Request(`http://localhost${path}`));
      expect(answer.headers.get("Content-Type"), path).toMatch(/^text\/html/);
      const policy = directives(answer.headers.get("Content-Security-Policy"));
      expect(policy.size, `${path} has a Content-Security-Policy`).toBeGreaterThan(0);
      expect(policy.get("default-src"), path).toBeDefined();
      const scripts = policy.get("script-src") ?? policy.get("default-src")!;
      expect(scripts.every((source) => ["'self'", "'none'"].includes(source)), `${path}: ${scripts}`).toBe(true);
      expect(policy.get("object-src") ?? policy.get("default-src"), path).toEqual(expect.arrayContaining([expect.stringMatching(/^'(none|self)'$/)]));
      expect(policy.get("base-uri"), path).toEqual(["'none'"]);
      expect(policy.get("frame-ancestors"), path).toBeDefined();
      expect(answer.headers.get("X-Content-Type-Options")).toBe("nosniff");
      await answer.body?.cancel();
    }
  });
});
