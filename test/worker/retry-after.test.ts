import { describe, expect, it } from "vitest";
import { type Answer, call, emulator, newVisitor, useEmulator } from "../helpers";

useEmulator();

/** What a client reads: `Retry-After` in whole seconds, saying the moment the body's `retryAt` says. */
function expectRetryAfter(answer: Answer) {
  const seconds = Number(answer.headers.get("Retry-After"));
  expect(Number.isInteger(seconds) && seconds >= 1).toBe(true);
  const says = Date.now() + seconds * 1000;
  expect(Math.abs(says - answer.body.error.retryAt)).toBeLessThan(2000);
}

describe("Retry-After on every refusal that passes", () => {
  it("a 429 (a fourth generation at once) carries Retry-After matching its retryAt", async () => {
    const { key } = await newVisitor();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call("/generations", { method: "POST", key, json: { prompt: `a kite number ${i}` } }));
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(refused.body.error.code).toBeTruthy();
    expectRetryAfter(refused);
  });

  it("a 503 (NemoVideo can't open a session) carries Retry-After matching its retryAt", async () => {
    const { key } = await newVisitor();
    await call("/credits", { key });
    await emulator.fault("server-error", { match: { path: "/api/tasks/me/with-session" }, params: { status: 503 } });
    const refused = await call("/sessions", { method: "POST", key, json: {} });
    expect(refused.status).toBe(503);
    expectRetryAfter(refused);
  });
});
