import { beforeEach, describe, expect, it } from "vitest";
import { OPERATOR_TOKEN } from "./token";
import { call, chat, emulator, newSession, newVisitor, useEmulator } from "../helpers";

useEmulator();
beforeEach(async () => {
  await emulator.call("/users", { method: "POST", json: { token: OPERATOR_TOKEN, available: 1000 } });
});

describe("with the operator's NEMO_TOKEN", () => {
  it("every visitor works on the shared account and no anonymous token is ever requested", async () => {
    const one = await newVisitor();
    const two = await newVisitor();
    expect((await call("/credits", { key: one.key })).body.available).toBe(1000);
    expect((await call("/credits", { key: two.key })).body.available).toBe(1000);
    const log = await emulator.requests();
    expect(log.some((r) => r.path === "/api/auth/anonymous-token")).toBe(false);
    expect(log.every((r) => r.headers.authorization === `Bearer ${OPERATOR_TOKEN}`)).toBe(true);
  });

  it("visitors still see only their own sessions", async () => {
    const owner = await newSession("en");
    const other = await newVisitor();
    expect((await call(`/sessions/${owner.sessionId}`, { key: other.key })).status).toBe(404);
    expect((await call("/sessions", { key: other.key })).body.sessions).toEqual([]);
  });

  it("each visitor gets VISITOR_DAILY_TURNS messages a day, then a clear word", async () => {
    const { key, sessionId } = await newSession("en");
    expect((await chat(key, sessionId, "hello")).status).toBe(200);
    expect((await chat(key, sessionId, "what can you do?")).status).toBe(200);
    const third = await call(`/sessions/${sessionId}/messages`, { method: "POST", key, json: { text: "one more" } });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe("quota_exceeded");
    expect(third.body.error.message).toMatch(/today's 2 messages/);
    const someoneElse = await newSession("en");
    expect((await chat(someoneElse.key, someoneElse.sessionId, "hello")).status).toBe(200);
  });

  it("a generation counts as one of the day's messages; past the allowance it fails in words and sends nothing", async () => {
    const { key, sessionId } = await newSession("en");
    expect((await chat(key, sessionId, "hello")).status).toBe(200);
    const first = await call("/generations", { method: "POST", key, json: { prompt: "a fox running through a snowy forest" } });
    const second = await call("/generations", { method: "POST", key, json: { prompt: "a lighthouse at dusk" } });
    const settle = async (id: string) => {
      for (let i = 0; i < 400; i++) {
        const answer = await call(`/generations/${id}`, { key });
        if (["completed", "failed"].includes(answer.body.status)) return answer.body;
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    };
    expect((await settle(first.body.generationId)).status).toBe("completed");
    const refused = await settle(second.body.generationId);
    expect(refused).toMatchObject({ status: "failed", error: { code: "quota_exceeded" } });
    expect((await emulator.requests()).filter((r) => r.path === "/run_sse")).toHaveLength(2);
  });

  it("out of credits on the shared account says to top up, with no registration link", async () => {
    const { key, sessionId } = await newSession("en");
    await emulator.call("/users/credits", { method: "POST", json: { token: OPERATOR_TOKEN, available: 0 } });
    const turn = await chat(key, sessionId, "generate a video of a fox");
    const error = turn.events.find((e) => e.event === "error")!;
    expect(error.data.code).toBe("no_credits");
    expect(error.data.message).toMatch(/Top up/);
    expect(error.data.link).toBeUndefined();
  });
});
