import { reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { call, emulator, newSession, newVisitor, useEmulator } from "../helpers";

/**
 * OWASP API6 (sensitive business flows): NemoVideo grants a handful of free accounts a week to an address, and
 * it sees only this deployment's. The `public` project's budget is 5 accounts a week.
 */
useEmulator();
afterEach(() => reset());

const tokenAsks = async () => (await emulator.requests()).filter((r) => r.path === "/api/auth/anonymous-token");

/** A new visitor's first step in the page: a project, which needs a NemoVideo account. */
async function firstProject() {
  const { key } = await newVisitor();
  const started = Date.now();
  const answer = await call("/sessions", { method: "POST", key, json: { language: "en" } });
  return { key, answer, ms: Date.now() - started };
}

describe("the deployment's free accounts", () => {
  it("once the week's budget is spent, a new visitor is told at once, with when it frees up and the way out, and NemoVideo is not asked", async () => {
    await emulator.configure({ anonTokensPerIp: 0 });
    for (let i = 0; i < 5; i++) expect((await firstProject()).answer.status).toBe(201);
    const eleventh = await firstProject();
    expect(eleventh.answer.status).toBe(503);
    expect(eleventh.ms).toBeLessThan(1000);
    const error = eleventh.answer.body.error;
    expect(error.code).toBe("accounts_exhausted");
    expect(error.message).toMatch(/all the free NemoVideo accounts.*free up on .* UTC.*register with NemoVideo/s);
    expect(error.link).toBe("https://nemovideo.com/register");
    // The oldest of the five frees up first, a week after it was made.
    expect(error.retryAt).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600_000);
    expect(await tokenAsks()).toHaveLength(5);
  });

  it("when NemoVideo refuses a new account, nobody asks it again until the window frees, and nobody waits", async () => {
    await emulator.configure({ anonTokensPerIp: 2 });
    expect((await firstProject()).answer.status).toBe(201);
    expect((await firstProject()).answer.status).toBe(201);
    const refused = await firstProject();
    expect(refused.answer.status).toBe(503);
    expect(refused.ms).toBeLessThan(1000);
    expect(refused.answer.body.error.retryAt).toBeGreaterThan(Date.now());
    const next = await firstProject();
    expect(next.answer.body.error).toMatchObject({ code: "accounts_exhausted", link: "https://nemovideo.com/register" });
    expect((await tokenAsks()).map((r) => r.status)).toEqual([200, 200, 429]);
  });

  it("visitors who had an account keep working while new ones are turned away", async () => {
    await emulator.configure({ anonTokensPerIp: 0 });
    const first = await newSession("en");
    for (let i = 0; i < 4; i++) await firstProject();
    expect((await firstProject()).answer.status).toBe(503);
    expect((await call("/credits", { key: first.key })).status).toBe(200);
    expect((await call(`/sessions/${first.sessionId}`, { key: first.key })).status).toBe(200);
  });
});

describe("a visitor's own token", () => {
  it("is used for its whole life: a visitor working through a week asks NemoVideo for one token", async () => {
    const { key, sessionId } = await newSession("en");
    for (let i = 0; i < 3; i++) expect((await call(`/sessions/${sessionId}`, { key })).status).toBe(200);
    expect(await tokenAsks()).toHaveLength(1);
  });

  it("refused by NemoVideo in the middle of its week, is not asked for again in a loop: the person is told in words, with the way out", async () => {
    const { key, sessionId } = await newSession("en");
    await emulator.fault("revoke-token", { match: { path: "/api/state" } });
    const refused = await call(`/sessions/${sessionId}`, { key });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe("accounts_exhausted");
    expect(refused.body.error.message).toMatch(/won't start another for this browser before .* UTC.*Register with NemoVideo/s);
    expect(refused.body.error.link).toMatch(/^https:\/\/nemovideo\.com\/register\?bind=anon_/);
    expect((await call("/credits", { key })).body.error.code).toBe("accounts_exhausted");
    expect((await call(`/sessions/${sessionId}`, { key })).status).toBe(503);
    // One token, one renewal refused; the later calls never asked again.
    expect((await tokenAsks()).map((r) => r.status)).toEqual([200, 429]);
  });

  it("the registration link binds the account named by the session, when the token's answer named none", async () => {
    await emulator.configure({ tokenWithoutUserId: true });
    const { key, sessionId } = await newSession("en");
    await emulator.fault("no-credits");
    const turn = await call(`/sessions/${sessionId}/messages`, { method: "POST", key, json: { text: "a fox running through a snowy forest" } });
    expect(turn.text).toMatch(/https:\/\/nemovideo\.com\/register\?bind=anon_/);
  });
});
