import { beforeEach, describe, expect, it } from "vitest";
import { anonymousToken, arm, authed, configure, control, emu, json, newSession, reset } from "./helpers";

const anonymous = (clientId?: string, headers: Record<string, string> = {}) =>
  emu("/api/auth/anonymous-token", {
    method: "POST",
    headers: { ...(clientId === undefined ? {} : { "X-Client-Id": clientId }), ...headers },
  });

beforeEach(reset);

describe("anonymous tokens", () => {
  it("gives a client 100 credits and a 7-day nmv_usr_ token", async () => {
    const response = await anonymous("client-1");
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.code).toBe(0);
    expect(body.message).toBe("success");
    expect(body.data.token).toMatch(/^nmv_usr_[A-Za-z0-9_-]{43}$/);
    expect(body.data.user_id).toMatch(/^anon_/);
    expect(body.data.credits).toBe(100);
    const lifeMs = Date.parse(String(body.data.expires_at)) - Date.now();
    expect(lifeMs).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(lifeMs).toBeLessThanOrEqual(7 * 86_400_000);
  });

  it("answers 400 without an X-Client-Id, or with one over 64 characters", async () => {
    expect((await anonymous()).status).toBe(400);
    expect((await anonymous("x".repeat(65))).status).toBe(400);
  });

  it("answers 429 to a second request from the same client within 7 days", async () => {
    expect((await anonymous("same")).status).toBe(200);
    const again = await anonymous("same");
    expect(again.status).toBe(429);
    expect((await json(again)).code).toBe(429);
  });

  it("limits tokens per address when ANON_TOKENS_PER_IP is set, and not when it is 0", async () => {
    await configure({ anonTokensPerIp: 2 });
    const from = (ip: string, client: string) => anonymous(client, { "CF-Connecting-IP": ip });
    expect((await from("10.0.0.1", "a")).status).toBe(200);
    expect((await from("10.0.0.1", "b")).status).toBe(200);
    expect((await from("10.0.0.1", "c")).status).toBe(429);
    expect((await from("10.0.0.2", "d")).status).toBe(200);
    // Without CF-Connecting-IP every call counts against one address, "relay".
    expect((await anonymous("e")).status).toBe(200);
    expect((await anonymous("f")).status).toBe(200);
    expect((await anonymous("g")).status).toBe(429);
    await configure({ anonTokensPerIp: 0 });
    expect((await anonymous("h")).status).toBe(200);
  });

  it("lets tokens expire after anonTokenLifeMs, and keeps the client's 7-day window: a new token is refused", async () => {
    await configure({ anonTokenLifeMs: 1000 });
    const token = (await json(anonymous("short-lived"))).data.token;
    expect((await authed(token, "/api/credits/balance/simple")).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await json(authed(token, "/api/credits/balance/simple"))).code).toBe(1001);
    expect((await anonymous("short-lived")).status).toBe(429);
    await configure({ anonTokensPerClient: 0 });
    expect((await anonymous("short-lived")).status).toBe(200);
  });

  it("expires a client's token at a chosen moment through the control API", async () => {
    const token = await anonymousToken("chosen");
    const [expiring] = (await control("tokens/expire", { clientId: "chosen", inMs: 1000 })).tokens;
    expect(expiring.expiresAt - Date.now()).toBeLessThanOrEqual(1000);
    expect((await authed(token, "/api/credits/balance/simple")).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await authed(token, "/api/credits/balance/simple")).status).toBe(401);
    expect((await anonymous("chosen")).status).toBe(429);
  });

  it("leaves out user_id and expires_at with omitOptionalFields", async () => {
    await configure({ omitOptionalFields: true });
    const body = await json(anonymous("bare"));
    expect(Object.keys(body.data).sort()).toEqual(["credits", "token"]);
  });

  it("lists every issued token for leak scans", async () => {
    const token = await anonymousToken();
    const { tokens } = await control("tokens");
    expect(tokens.map((issued: { token: string }) => issued.token)).toEqual([token]);
  });
});

describe("bearer tokens", () => {
  it("answers 1001 with HTTP 401 to an unknown token, and HTTP 200 in the errorStatus variant", async () => {
    const unknown = await authed("nmv_usr_nope", "/api/credits/balance/simple");
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ code: 1001, message: "token expired" });
    await configure({ errorStatus: "200", omitMessage: true });
    const variant = await authed("nmv_usr_nope", "/api/credits/balance/simple");
    expect(variant.status).toBe(200);
    expect(await variant.json()).toEqual({ code: 1001 });
  });

  it("expires the presented token with the expire-token fault, and lets the client get a new one", async () => {
    const clientId = crypto.randomUUID();
    const token = await anonymousToken(clientId);
    await arm("expire-token");
    expect((await json(authed(token, "/api/credits/balance/simple"))).code).toBe(1001);
    expect((await json(authed(token, "/api/credits/balance/simple"))).code).toBe(1001);
    const renewed = await json(anonymous(clientId));
    expect(renewed.code).toBe(0);
    expect((await json(authed(renewed.data.token, "/api/credits/balance/simple"))).code).toBe(0);
    const { tokens } = await control("tokens");
    expect(tokens.map((issued: { expired: boolean }) => issued.expired)).toEqual([true, false]);
  });

  it("keeps the same user, sessions and credits for a client's renewed token", async () => {
    const clientId = crypto.randomUUID();
    const first = await anonymousToken(clientId);
    const created = await json(authed(first, "/api/tasks/me/with-session/nemo_agent", { method: "POST", body: {} }));
    await arm("expire-token");
    await authed(first, "/api/credits/balance/simple");
    const second = (await json(anonymous(clientId))).data;
    expect(second.user_id).toBe(created.data.user_id);
    const state = await json(authed(second.token, `/api/state/nemo_agent/me/${created.data.session_id}/latest`));
    expect(state.code).toBe(0);
  });

  it("accepts the real anon_ user id in place of me", async () => {
    const { token } = await newSession();
    const userId = (await control("tokens")).tokens[0].userId;
    const created = await json(authed(token, `/api/tasks/${userId}/with-session/nemo_agent`, { method: "POST", body: {} }));
    expect(created.code).toBe(0);
    const state = await json(authed(token, `/api/state/nemo_agent/${userId}/${created.data.session_id}/latest`));
    expect(state.code).toBe(0);
  });
});

describe("sessions and claim tokens", () => {
  it("creates a session with a 19-digit id, and omits user_id with omitOptionalFields", async () => {
    const token = await anonymousToken();
    const create = () =>
      json(authed(token, "/api/tasks/me/with-session/nemo_agent", { method: "POST", body: { task_name: "project" } }));
    const body = await create();
    expect(body.data.session_id).toMatch(/^[1-9]\d{18}$/);
    expect(body.data.task_id).toEqual(expect.any(String));
    expect(body.data.user_id).toMatch(/^anon_/);
    await configure({ omitOptionalFields: true });
    expect(Object.keys((await create()).data).sort()).toEqual(["session_id", "task_id"]);
  });

  it("reads a new session's state as newSessionState has it: a null draft, null, or every key null", async () => {
    const { token, sessionId } = await newSession();
    const state = async (newSessionState: string) => {
      await configure({ newSessionState });
      return (await json(authed(token, `/api/state/nemo_agent/me/${sessionId}/latest`))).data.state;
    };
    expect(await state("null")).toBeNull();
    expect(await state("nulls")).toEqual({ draft: null, video_infos: null, generated_media: null, canvas_config: null, video_analyses: null });
  });

  it("reads a new session's state with a null draft", async () => {
    const { token, sessionId, taskId } = await newSession();
    const body = await json(authed(token, `/api/state/nemo_agent/me/${sessionId}/latest`));
    expect(body.data).toMatchObject({ session_id: sessionId, task_id: taskId, task_name: "project" });
    expect(body.data.state.draft).toBeNull();
  });

  it("answers 1002 for an unknown or another user's session", async () => {
    const mine = await newSession();
    const other = await newSession();
    const unknown = await authed(mine.token, "/api/state/nemo_agent/me/1234567890123456789/latest");
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).code).toBe(1002);
    expect((await json(authed(mine.token, `/api/state/nemo_agent/me/${other.sessionId}/latest`))).code).toBe(1002);
  });

  it("gives a clm_ claim token for a session of the token's user", async () => {
    const { token, sessionId, taskId } = await newSession();
    const body = await json(
      authed(token, "/api/auth/claim-token", { method: "POST", body: { task_id: taskId, session_id: sessionId } }),
    );
    expect(body.data).toEqual({ claim_token: expect.stringMatching(/^clm_/), expires_in: 604800 });
    const wrong = await json(
      authed(token, "/api/auth/claim-token", { method: "POST", body: { task_id: "x", session_id: sessionId } }),
    );
    expect(wrong.code).toBe(1002);
  });

  it("forgets a session with the lose-session fault", async () => {
    const { token, sessionId } = await newSession();
    await arm("lose-session", { match: { sessionId } });
    expect((await json(authed(token, `/api/state/nemo_agent/me/${sessionId}/latest`))).code).toBe(1002);
    expect((await json(authed(token, `/api/state/nemo_agent/me/${sessionId}/latest`))).code).toBe(1002);
  });
});
