import { beforeEach, describe, expect, it } from "vitest";
import { anonymousToken, arm, authed, balance, configure, control, emu, json, newSession, reset } from "./helpers";

const BALANCE = "/api/credits/balance/simple";

beforeEach(reset);

describe("faults", () => {
  it("answers 429 for as many matching requests as asked (rate-limit)", async () => {
    const token = await anonymousToken();
    await arm("rate-limit", { times: 2, match: { path: "/balance" } });
    expect((await authed(token, "/api/state/nemo_agent/me/1234567890123456789/latest")).status).toBe(404);
    expect((await authed(token, BALANCE)).status).toBe(429);
    expect((await authed(token, BALANCE)).status).toBe(429);
    expect((await authed(token, BALANCE)).status).toBe(200);
  });

  it("answers a server error with the given status (server-error)", async () => {
    const token = await anonymousToken();
    await arm("server-error");
    const unavailable = await authed(token, BALANCE);
    expect(unavailable.status).toBe(503);
    expect(await json(unavailable)).toEqual({ code: 503, message: "service unavailable" });
    await arm("server-error", { params: { status: 500 } });
    expect((await authed(token, BALANCE)).status).toBe(500);
  });

  it("answers as the edge in front of NemoVideo does, an HTML page with a 52x (edge-error)", async () => {
    const token = await anonymousToken();
    await arm("edge-error");
    const page = await authed(token, BALANCE);
    expect(page.status).toBe(520);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("error code: 520");
    await arm("edge-error", { params: { status: 501 } });
    expect((await authed(token, BALANCE)).status).toBe(501);
    expect((await authed(token, BALANCE)).status).toBe(200);
  });

  it("matches faults by client id", async () => {
    const mine = await anonymousToken("client-a");
    const other = await anonymousToken("client-b");
    await arm("rate-limit", { match: { clientId: "client-a" } });
    expect((await authed(other, BALANCE)).status).toBe(200);
    expect((await authed(mine, BALANCE)).status).toBe(429);
  });

  it("delays an answer (slow) and empties credits (no-credits)", async () => {
    const token = await anonymousToken();
    await arm("slow", { params: { ms: 150 } });
    await arm("no-credits", { params: { available: 5 } });
    const started = Date.now();
    expect(await balance(token)).toEqual({ available: 5, frozen: 0, total: 5 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("lists armed faults and disarms them all", async () => {
    await arm("rate-limit", { times: 3 });
    expect((await control("faults")).faults).toEqual([
      { fault: "rate-limit", times: 3, match: {}, params: {} },
    ]);
    await emu("/__emulator/faults", { method: "DELETE" });
    expect((await control("faults")).faults).toEqual([]);
    expect((await emu("/api/auth/anonymous-token", { method: "POST", headers: { "X-Client-Id": "z" } })).status).toBe(200);
  });

  it("refuses an unknown fault name", async () => {
    expect((await emu("/__emulator/faults", { method: "POST", body: { fault: "meteor" } })).status).toBe(400);
  });
});

describe("the control API", () => {
  it("records every request with lower-cased headers, query and status, but not its own calls", async () => {
    const { token } = await newSession();
    await authed(token, `${BALANCE}?verbose=1`, { headers: { "X-Skill-Source": "promptreel" } });
    const { requests } = await control("requests");
    expect(requests.map((entry: { path: string }) => entry.path)).toEqual([
      "/api/auth/anonymous-token",
      "/api/tasks/me/with-session/nemo_agent",
      BALANCE,
    ]);
    expect(requests[2]).toMatchObject({
      index: 2,
      method: "GET",
      query: { verbose: "1" },
      status: 200,
      time: expect.any(Number),
      headers: { authorization: `Bearer ${token}`, "x-skill-source": "promptreel" },
    });
    expect((await control("requests?since=2")).requests).toHaveLength(1);
    await emu("/__emulator/requests", { method: "DELETE" });
    expect((await control("requests")).requests).toEqual([]);
  });

  it("merges config patches, refuses unknown keys, and resets everything", async () => {
    expect((await control("config")).eventFamily).toBe("adk");
    expect((await configure({ eventFamily: "type" })).eventFamily).toBe("type");
    expect((await emu("/__emulator/config", { method: "POST", body: { nope: true } })).status).toBe(400);
    expect((await emu("/__emulator/config", { method: "POST", body: { renderShape: "c" } })).status).toBe(400);
    const token = await anonymousToken();
    await arm("rate-limit");
    await reset();
    const config = await control("config");
    expect(config).toMatchObject({ eventFamily: "adk", timeScale: 0.005, anonTokensPerIp: 0 });
    expect((await control("faults")).faults).toEqual([]);
    expect((await control("tokens")).tokens).toEqual([]);
    expect((await authed(token, BALANCE)).status).toBe(401);
  });

  it("makes registered users and sets credits by user id", async () => {
    const user = await control("users", { token: "nmv_usr_operator", available: 1000 });
    expect(user).toMatchObject({ token: "nmv_usr_operator", userId: expect.stringMatching(/^usr_/), available: 1000 });
    await control("users/credits", { userId: user.userId, available: 7 });
    expect(await balance("nmv_usr_operator")).toEqual({ available: 7, frozen: 0, total: 7 });
  });

  it("says what it is at /", async () => {
    expect((await json(emu("/"))).name).toBe("nemovideo-emulator");
  });
});
