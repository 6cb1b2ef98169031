import { reset, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { call, chat, emulator, newSession, newVisitor, useEmulator, visitorStub } from "../helpers";

/** OWASP API4 (unrestricted resource consumption): what one visitor may have or do at once, with the product's limits. */
useEmulator();
// The deployment-wide budget of free accounts starts afresh for each test.
afterEach(() => reset());

const MB = 1024 * 1024;

describe("per-visitor limits, each answered 429 with when to try again", () => {
  it("20 new projects a day: the 21st is refused, nothing is opened at NemoVideo", async () => {
    const { key } = await newVisitor();
    for (let i = 0; i < 20; i++) expect((await call("/sessions", { method: "POST", key, json: {} })).status).toBe(201);
    const opens = (await emulator.requests()).filter((r) => r.path.startsWith("/api/tasks/me/with-session")).length;
    const refused = await call("/sessions", { method: "POST", key, json: {} });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/started 20 projects in the last 24 hours\. You can start another at \d\d:\d\d UTC/);
    expect(refused.body.error.retryAt).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect((await emulator.requests()).filter((r) => r.path.startsWith("/api/tasks/me/with-session"))).toHaveLength(opens);
  });

  it("6 messages a minute: the 7th is refused with the seconds to wait, and never reaches NemoVideo", async () => {
    const { key, sessionId } = await newSession("en");
    for (let i = 0; i < 6; i++) expect((await chat(key, sessionId, `hello, what can you do? (${i})`)).status).toBe(200);
    const refused = await call(`/sessions/${sessionId}/messages`, { method: "POST", key, json: { text: "and now?" } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/6 messages in a minute.*in \d+ seconds/);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await emulator.requests()).filter((r) => r.path === "/run_sse")).toHaveLength(6);
  });

  it("3 resumable uploads, 400 MB, at once: the next is refused before anything is made in R2", async () => {
    const { key, sessionId } = await newSession("en");
    const start = (name: string, size: number) => call(`/sessions/${sessionId}/uploads/resumable`, { method: "POST", key, json: { name, size } });
    expect((await start("a.mp4", 200 * MB)).status).toBe(201);
    expect((await start("b.mp4", 150 * MB)).status).toBe(201);
    const tooMuch = await start("c.mp4", 51 * MB);
    expect(tooMuch.status).toBe(429);
    expect(tooMuch.body.error.message).toMatch(/2 uploads on the way \(350 MB\).*at most 3 and 400 MB/);
    expect((await start("c.mp4", 50 * MB)).status).toBe(201);
    expect((await start("d.mp4", 1)).status).toBe(429);
    const listed = await env.UPLOADS.list({ prefix: "uploads/" });
    expect(listed.objects).toHaveLength(0);
  });

  it("3 exports rendering at once: a fourth project's export is refused in words", async () => {
    const { key } = await newVisitor();
    const sessions: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { body } = await call("/sessions", { method: "POST", key, json: {} });
      await emulator.grantCredits(1000);
      await chat(key, body.sessionId, "generate a video of a fox in the snow");
      sessions.push(body.sessionId);
    }
    for (const id of sessions.slice(0, 3)) expect((await call(`/sessions/${id}/exports`, { method: "POST", key, json: {} })).status).toBe(202);
    const fourth = await call(`/sessions/${sessions[3]}/exports`, { method: "POST", key, json: {} });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.message).toMatch(/3 exports rendering/);
    expect((await emulator.requests()).filter((r) => r.method === "POST" && r.path === "/api/render/proxy/lambda")).toHaveLength(3);
  });
});

describe("bodies", () => {
  it("a JSON body over 24 KB is refused with 413 in our shape before it is read", async () => {
    const { key } = await newVisitor();
    const big = await call("/sessions", { method: "POST", key, json: { language: "x".repeat(50 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({ code: "body_too_large" });
    const chunked = await call("/generations", {
      method: "POST",
      key,
      headers: { "Content-Type": "application/json" },
      body: new Blob([JSON.stringify({ prompt: "a".repeat(100 * 1024) })]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("a message of 4000 characters in any script still fits", async () => {
    const { key, sessionId } = await newSession("zh-CN");
    const answer = await chat(key, sessionId, "生成".repeat(2000));
    expect(answer.status).toBe(200);
  });
});

describe("sweeps by the alarm", () => {
  it("an upload left for a day is given up: its row and its parts in R2 go", async () => {
    const { key, sessionId, visitorId } = await newSession("en");
    const { body } = await call(`/sessions/${sessionId}/uploads/resumable`, { method: "POST", key, json: { name: "take.mp4", size: 6 * MB } });
    const part = new Uint8Array(6 * MB);
    expect((await call(`/uploads/${body.uploadId}/parts/1`, { method: "PUT", key, body: part, headers: { "Content-Type": "application/octet-stream" } })).status).toBe(200);
    const r2UploadId = await runInDurableObject(visitorStub(visitorId), (_instance, state) => {
      state.storage.sql.exec("UPDATE uploads SET created_at = created_at - ?", 25 * 3600_000);
      state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE key = 'sweep'");
      return String(state.storage.sql.exec("SELECT r2_upload_id FROM uploads").one().r2_upload_id);
    });
    const parts = env.UPLOADS.resumeMultipartUpload(`uploads/${visitorId}/${body.uploadId}`, r2UploadId);
    await runDurableObjectAlarm(visitorStub(visitorId));
    expect((await call(`/uploads/${body.uploadId}`, { key })).status).toBe(404);
    // R2 no longer knows the multipart upload: its parts are gone.
    await expect(parts.uploadPart(2, new Uint8Array(10))).rejects.toThrow();
  });

  it("a generation that failed before it had a project is forgotten after a day", async () => {
    const { key, visitorId } = await newVisitor();
    await emulator.fault("server-error", { times: 50, match: { path: "/api/tasks/me/with-session" } });
    const { body } = await call("/generations", { method: "POST", key, json: { prompt: "a fox" } });
    let status = "queued";
    for (let i = 0; i < 200 && status !== "failed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await call(`/generations/${body.generationId}`, { key })).body.status;
    }
    expect(status).toBe("failed");
    await runInDurableObject(visitorStub(visitorId), (_instance, state) => {
      state.storage.sql.exec("UPDATE generations SET completed_at = completed_at - ?", 25 * 3600_000);
      state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE key = 'sweep'");
    });
    await runDurableObjectAlarm(visitorStub(visitorId));
    expect((await call(`/generations/${body.generationId}`, { key })).status).toBe(404);
  });
});
