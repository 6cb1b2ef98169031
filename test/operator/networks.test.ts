import { beforeEach, describe, expect, it } from "vitest";
import { call, chat, emulator, useEmulator } from "../helpers";
import { OPERATOR_TOKEN } from "./token";

/**
 * OWASP API6 on the operator's shared account: visitors of one network share a daily allowance of messages, so that
 * making visitor after visitor from one address does not multiply `VISITOR_DAILY_TURNS`. This project allows each
 * visitor 2 messages a day and each network 5 (NETWORK_DAILY_TURNS).
 */
useEmulator();
beforeEach(async () => {
  await emulator.call("/users", { method: "POST", json: { token: OPERATOR_TOKEN, available: 1000 } });
});

const from = (address: string) => ({ "CF-Connecting-IP": address });

async function projectFrom(address: string) {
  const visitor = await call("/visitors", { method: "POST", headers: from(address) });
  expect(visitor.status).toBe(201);
  const session = await call("/sessions", { method: "POST", key: visitor.body.key, json: {}, headers: from(address) });
  return { key: visitor.body.key as string, sessionId: session.body.sessionId as string };
}

describe("the day's messages, shared by a network", () => {
  it("ten visitors of one address send 5 messages between them; a visitor of another address still sends", async () => {
    const statuses = [];
    for (let i = 0; i < 10; i++) {
      const { key, sessionId } = await projectFrom("198.51.100.50");
      const answer = await call(`/sessions/${sessionId}/messages`, { method: "POST", key, json: { text: "hello" }, headers: from("198.51.100.50") });
      statuses.push(answer.status);
      if (answer.status === 429) {
        expect(answer.body.error.code).toBe("quota_exceeded");
        expect(answer.body.error.message).toMatch(/your network.*today's 5 messages/s);
        expect(answer.body.error.retryAt).toBeGreaterThan(Date.now());
        expect(Number(answer.headers.get("Retry-After"))).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
    expect((await emulator.requests()).filter((r) => r.path === "/run_sse")).toHaveLength(5);
    const elsewhere = await projectFrom("203.0.113.50");
    expect((await chat(elsewhere.key, elsewhere.sessionId, "hello")).status).toBe(200);
  });

  it("a visitor's own allowance still ends first, with its own words, and gives nothing of the network's away", async () => {
    const { key, sessionId } = await projectFrom("198.51.100.51");
    for (let i = 0; i < 2; i++) expect((await chat(key, sessionId, `hello ${i}`)).status).toBe(200);
    const third = await call(`/sessions/${sessionId}/messages`, { method: "POST", key, json: { text: "one more" } });
    expect(third.status).toBe(429);
    expect(third.body.error.message).toMatch(/You've sent today's 2 messages/);
    expect(third.body.error.retryAt).toBeGreaterThan(Date.now());
    // The network had 5: this visitor used 2, so a neighbour has 3.
    const neighbour = await projectFrom("198.51.100.51");
    const answers = [];
    for (let i = 0; i < 2; i++) answers.push((await chat(neighbour.key, neighbour.sessionId, `hi ${i}`)).status);
    const third2 = await projectFrom("198.51.100.51");
    answers.push((await chat(third2.key, third2.sessionId, "hi")).status);
    answers.push((await call(`/sessions/${third2.sessionId}/messages`, { method: "POST", key: third2.key, json: { text: "hi again" } })).status);
    expect(answers).toEqual([200, 200, 200, 429]);
  });
});
