import { reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { type Answer, call, chat, emulator, newVisitor, useEmulator } from "../helpers";

/**
 * OWASP API4 (unrestricted resource consumption), raced: thirty requests sent at once for one visitor, against each
 * of its limits. Exactly the limit is admitted, the rest are refused 429 with when to try again, and nothing beyond
 * the limit reaches NemoVideo.
 */
useEmulator();
afterEach(() => reset());

const MB = 1024 * 1024;
const atOnce = <T>(n: number, send: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => send(i)));
const withStatus = (answers: Answer[], status: number) => answers.filter((answer) => answer.status === status);
const upstream = async (method: string, path: string | RegExp) =>
  (await emulator.requests()).filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)));

/** A refusal that passes says when, in the body and in `Retry-After`, and the two agree. */
function expectRetryAt(refused: Answer, code = "rate_limited") {
  expect(refused.body.error.code).toBe(code);
  const { retryAt } = refused.body.error;
  expect(retryAt).toBeGreaterThan(Date.now());
  const seconds = Number(refused.headers.get("Retry-After"));
  expect(Math.abs(seconds - Math.ceil((retryAt - Date.now()) / 1000))).toBeLessThanOrEqual(2);
}

/** A visitor with `n` projects that each have a clip (a chat turn that made a video). */
async function visitorWithClips(n: number) {
  const { key } = await newVisitor();
  const sessions: string[] = [];
  for (let i = 0; i < n; i++) {
    const { body } = await call("/sessions", { method: "POST", key, json: {} });
    await emulator.grantCredits(1000);
    expect((await chat(key, body.sessionId, "generate a video of a fox in the snow")).status).toBe(200);
    sessions.push(body.sessionId);
  }
  return { key, sessions };
}

describe("thirty requests at once hold every per-visitor limit", () => {
  it("new projects: 20 of 30 are opened, 10 refused with when to try again, and NemoVideo opens 20", async () => {
    const { key } = await newVisitor();
    const answers = await atOnce(30, () => call("/sessions", { method: "POST", key, json: {} }));
    expect(withStatus(answers, 201)).toHaveLength(20);
    const refused = withStatus(answers, 429);
    expect(refused).toHaveLength(10);
    for (const answer of refused) expectRetryAt(answer);
    expect(await upstream("POST", "/api/tasks/me/with-session/nemo_agent")).toHaveLength(20);
    expect((await call("/sessions", { key })).body.sessions).toHaveLength(20);
  });

  it("chat messages: 6 of 30 (sent over ten projects) reach NemoVideo, the rest are refused", async () => {
    const { key } = await newVisitor();
    const sessions: string[] = [];
    for (let i = 0; i < 10; i++) sessions.push((await call("/sessions", { method: "POST", key, json: {} })).body.sessionId);
    const answers = await atOnce(30, (i) => call(`/sessions/${sessions[i % 10]}/messages`, { method: "POST", key, json: { text: `hello (${i})` } }));
    expect(withStatus(answers, 200)).toHaveLength(6);
    const paced = withStatus(answers, 429);
    expect(paced.length).toBeGreaterThan(0);
    for (const answer of paced) expectRetryAt(answer);
    // The others met a reply still being written in their project.
    expect(withStatus(answers, 409).length + paced.length).toBe(24);
    expect(await upstream("POST", "/run_sse")).toHaveLength(6);
  });

  it("resumable uploads: 3 of 30 are opened", async () => {
    const { key, sessions } = await visitorWithProject();
    const answers = await atOnce(30, (i) =>
      call(`/sessions/${sessions[0]}/uploads/resumable`, { method: "POST", key, json: { name: `take-${i}.mp4`, size: MB } }),
    );
    expect(withStatus(answers, 201)).toHaveLength(3);
    const refused = withStatus(answers, 429);
    expect(refused).toHaveLength(27);
    for (const answer of refused) expectRetryAt(answer);
  });

  it("ten resumable uploads of 150 MB at once: two are opened (300 MB of the 400 MB), eight refused", async () => {
    const { key, sessions } = await visitorWithProject();
    const answers = await atOnce(10, (i) =>
      call(`/sessions/${sessions[0]}/uploads/resumable`, { method: "POST", key, json: { name: `take-${i}.mp4`, size: 150 * MB } }),
    );
    expect(withStatus(answers, 201)).toHaveLength(2);
    const refused = withStatus(answers, 429);
    expect(refused).toHaveLength(8);
    for (const answer of refused) {
      expectRetryAt(answer);
      expect(answer.body.error.message).toMatch(/at most 3 and 400 MB at once/);
    }
  });

  it("exports: 3 renders of 30 export clicks over five projects; the same project's clicks share its one export", async () => {
    const { key, sessions } = await visitorWithClips(5);
    // Renders that take a long while, so that none ends while the clicks arrive.
    await emulator.fault("shape-render", { times: 30, match: { path: "/api/render/proxy/lambda" }, params: { seconds: 100_000 } });
    const answers = await atOnce(30, (i) => call(`/sessions/${sessions[i % 5]}/exports`, { method: "POST", key, json: {} }));
    const started = withStatus(answers, 202);
    expect(new Set(started.map((answer) => answer.body.exportId)).size).toBe(3);
    const refused = withStatus(answers, 429);
    expect(started.length + refused.length).toBe(30);
    for (const answer of refused) expectRetryAt(answer);
    expect(await upstream("POST", "/api/render/proxy/lambda")).toHaveLength(3);
  });

  it("generations: 3 of 30 are queued, 27 refused with when to try again, and NemoVideo opens 3 projects", async () => {
    const { key } = await newVisitor();
    const answers = await atOnce(30, (i) => call("/generations", { method: "POST", key, json: { prompt: `a fox, take ${i}` } }));
    expect(withStatus(answers, 202)).toHaveLength(3);
    const refused = withStatus(answers, 429);
    expect(refused).toHaveLength(27);
    for (const answer of refused) expectRetryAt(answer);
    const deadline = Date.now() + 10_000;
    while ((await upstream("POST", "/run_sse")).length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await upstream("POST", "/api/tasks/me/with-session/nemo_agent")).toHaveLength(3);
    expect(await upstream("POST", "/run_sse")).toHaveLength(3);
  });
});

/** A visitor with one project. */
async function visitorWithProject() {
  const { key } = await newVisitor();
  const { body } = await call("/sessions", { method: "POST", key, json: {} });
  return { key, sessions: [body.sessionId as string] };
}

describe("every refusal that passes says when", () => {
  it("NemoVideo's own 'not now' becomes a 429 or 503 with retryAt and a matching Retry-After, and a stream's error event carries retryAt", async () => {
    const { key } = await newVisitor();
    await emulator.fault("rate-limit", { times: 2, match: { path: "/api/tasks/me/with-session" } });
    expectRetryAt(await call("/sessions", { method: "POST", key, json: {} }));
    await emulator.fault("server-error", { match: { path: "/api/tasks/me/with-session" } });
    const unavailable = await call("/sessions", { method: "POST", key, json: {} });
    expect(unavailable.status).toBe(503);
    expectRetryAt(unavailable, "upstream_unavailable");
    const { body } = await call("/sessions", { method: "POST", key, json: {} });
    await emulator.fault("server-error", { match: { path: "/run_sse" } });
    const turn = await chat(key, body.sessionId, "hello");
    const error = turn.events.find((event) => event.event === "error")!;
    expect(error.data).toMatchObject({ code: "upstream_unavailable", retryAt: expect.any(Number) });
    expect(error.data.retryAt).toBeGreaterThan(Date.now() - 5000);
  });
});
