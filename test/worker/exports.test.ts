import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { BASE, call, chat, emulator, newSession, parseSse, restartVisitor, useEmulator, visitorStub } from "../helpers";

useEmulator();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const renderPolls = async () =>
  (await emulator.requests()).filter((r) => r.method === "GET" && r.path.startsWith("/api/render/proxy/lambda/"));
const renderSubmits = async () =>
  (await emulator.requests()).filter((r) => r.method === "POST" && r.path === "/api/render/proxy/lambda");

/** A session whose timeline has a video in it (a generation turn ran to its end). */
async function readySession(language = "en") {
  const session = await newSession(language);
  const turn = await chat(session.key, session.sessionId, "a fox running through a snowy forest");
  expect(turn.events.at(-1)?.data).toEqual({ reason: "complete" });
  return session;
}

const startExport = (key: string, sessionId: string) =>
  call(`/sessions/${sessionId}/exports`, { method: "POST", key, json: {} });

/** Follows an export's event stream to its end. */
async function follow(key: string, exportId: string) {
  const answer = await call(`/exports/${exportId}/events`, { key });
  return { ...answer, ...parseSse(answer.text) };
}

async function settled(key: string, exportId: string, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await call(`/exports/${exportId}`, { key });
    if (["completed", "failed", "cancelled"].includes(answer.body.status) || Date.now() > deadline) return answer.body;
    await sleep(25);
  }
}


describe("an export, from click to MP4", () => {
  it("submits the draft once as render_<ts>_<8 hex> with camelCase sessionId and mp4/high, and answers 202 at once", async () => {
    const { key, sessionId } = await readySession();
    const started = await startExport(key, sessionId);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ sessionId, status: "pending", progress: 5 });
    expect(started.body.exportId).toMatch(/^exp_[0-9a-f]{16}$/);
    const submits = await renderSubmits();
    expect(submits).toHaveLength(1);
    expect(submits[0].headers["x-skill-source"]).toBeTruthy();
    const body = JSON.parse(submits[0].body!);
    expect(body.id).toMatch(/^render_\d{13}_[0-9a-f]{8}$/);
    expect(body.sessionId).toMatch(/^\d+$/);
    expect(body.output).toEqual({ format: "mp4", quality: "high" });
    expect(body.draft).toMatchObject({ t: expect.any(Array) });
  });

  it("streams status events as the render moves, ends with completed and a signed download link", async () => {
    const { key, sessionId } = await readySession();
    const { body: job } = await startExport(key, sessionId);
    const stream = await follow(key, job.exportId);
    expect(stream.headers.get("Content-Type")).toContain("text/event-stream");
    const statuses = stream.events.map((e) => e.data.status);
    expect(statuses[0]).toBe("pending");
    expect(statuses.at(-1)).toBe("completed");
    const last = stream.events.at(-1)!.data;
    expect(last).toMatchObject({ exportId: job.exportId, progress: 100 });
    expect(last.completedAt).toBeGreaterThanOrEqual(last.createdAt);
    expect(last.downloadUrl).toMatch(new RegExp(`^http://localhost/api/v1/exports/${job.exportId}/download\\?v=.+&exp=\\d+&sig=`));
    const progress = stream.events.map((e) => e.data.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  for (const progress of ["straight", "plateau", "none"]) {
    it(`polls a 60 s render (progress ${progress}) no more often than NemoVideo's own client would: 8 times, at 2 s and then each wait ×1.5 up to 15 s`, async () => {
      const { key, sessionId } = await readySession();
      await emulator.fault("shape-render", { params: { seconds: 60, progress } });
      const { body: job } = await startExport(key, sessionId);
      expect((await settled(key, job.exportId)).status).toBe("completed");
      const polls = await renderPolls();
      expect(polls.length).toBeGreaterThanOrEqual(1);
      expect(polls.length).toBeLessThanOrEqual(8);
    });
  }

  it("the MP4 downloads with the key or the signed link, as an attachment, with Range for a player", async () => {
    const { key, sessionId } = await readySession();
    const { body: job } = await startExport(key, sessionId);
    const done = await settled(key, job.exportId);
    expect(done.status).toBe("completed");

    const withKey = await exports.default.fetch(`${BASE}/exports/${job.exportId}/download`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(withKey.status).toBe(200);
    expect(withKey.headers.get("Content-Type")).toBe("video/mp4");
    // Named after the video's title (the draft's), ASCII for old clients and UTF-8 for the rest.
    expect(withKey.headers.get("Content-Disposition")).toMatch(/^attachment; filename="[^"]+\.mp4"; filename\*=UTF-8''.+\.mp4$/);
    const bytes = new Uint8Array(await withKey.arrayBuffer());
    expect(bytes.byteLength).toBeGreaterThan(10_000);
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe("ftyp");

    const signed = await exports.default.fetch(done.downloadUrl, { headers: { Range: "bytes=0-99" } });
    expect(signed.status).toBe(206);
    expect(signed.headers.get("Content-Range")).toBe(`bytes 0-99/${bytes.byteLength}`);
    expect((await signed.arrayBuffer()).byteLength).toBe(100);

    const forged = await exports.default.fetch(done.downloadUrl.replace(/sig=[^&]+/, "sig=AAAA"));
    expect(forged.status).toBe(401);
    expect((await forged.json<any>()).error.message).toMatch(/not valid or has expired/);
  });

  for (const [form, named] of [["file", false], ["redirect", false], ["json", false], ["file", true]] as const) {
    it(`the finished file is kept whatever form NemoVideo gives it in (${named ? "named in its answer" : `its download endpoint: ${form}`}), and a player's byte range gets 206 and exactly those bytes`, async () => {
      await emulator.configure({ downloadForm: form, renderOutputUrl: named });
      const { key, sessionId } = await readySession();
      const done = await settled(key, (await startExport(key, sessionId)).body.exportId);
      expect(done.status).toBe("completed");
      const whole = await exports.default.fetch(done.downloadUrl);
      expect(whole.status).toBe(200);
      const bytes = new Uint8Array(await whole.arrayBuffer());
      expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe("ftyp");

      const part = await exports.default.fetch(done.downloadUrl, { headers: { Range: "bytes=1000-1999" } });
      expect(part.status).toBe(206);
      expect(part.headers.get("Content-Range")).toBe(`bytes 1000-1999/${bytes.byteLength}`);
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(1000, 2000));
      const tail = await exports.default.fetch(done.downloadUrl, { headers: { Range: "bytes=-100" } });
      expect(tail.status).toBe(206);
      expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.byteLength - 100));
      const beyond = await exports.default.fetch(done.downloadUrl, { headers: { Range: `bytes=${bytes.byteLength}-` } });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get("Content-Range")).toBe(`bytes */${bytes.byteLength}`);
      await beyond.body?.cancel();

      // The file is fetched from NemoVideo once, to keep our copy, and every range is served from that copy; the
      // file's own address (NemoVideo's CDN) never gets our NemoVideo token.
      const fileReads = (await emulator.requests()).filter((r) => r.path.startsWith("/render-result/"));
      expect(fileReads.length).toBe(form === "file" && !named ? 0 : 1);
      expect(fileReads.every((r) => r.headers.authorization === undefined)).toBe(true);
    });
  }

  it("a second click while an export runs answers the same export and starts no second render", async () => {
    const { key, sessionId } = await readySession();
    const [first, second] = await Promise.all([startExport(key, sessionId), startExport(key, sessionId)]);
    expect(second.body.exportId).toBe(first.body.exportId);
    const third = await startExport(key, sessionId);
    expect(third.body.exportId).toBe(first.body.exportId);
    expect(await renderSubmits()).toHaveLength(1);
  });

  it("an empty timeline is refused in words before anything is submitted", async () => {
    const { key, sessionId } = await newSession("en");
    const answer = await startExport(key, sessionId);
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({ code: "export_not_ready" });
    expect(answer.body.error.message).toMatch(/nothing to export yet/i);
    expect(await renderSubmits()).toHaveLength(0);
  });

  it("bad input is refused at the edge: an unknown quality, a malformed id", async () => {
    const { key, sessionId } = await newSession("en");
    const bad = await call(`/sessions/${sessionId}/exports`, { method: "POST", key, json: { quality: "8k" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
    expect((await call("/exports/not-an-id", { key })).status).toBe(400);
    expect(await renderSubmits()).toHaveLength(0);
  });

  it("a returning visitor sees its exports, newest first, each with its download link", async () => {
    const { key, sessionId } = await readySession();
    const { body: job } = await startExport(key, sessionId);
    await settled(key, job.exportId);
    const list = await call("/exports", { key });
    expect(list.body.exports).toHaveLength(1);
    expect(list.body.exports[0]).toMatchObject({ exportId: job.exportId, status: "completed" });
    expect(list.body.exports[0].downloadUrl).toContain("sig=");
  });

  it("another visitor's export answers 404, and its download link does not open it", async () => {
    const owner = await readySession();
    const { body: job } = await startExport(owner.key, owner.sessionId);
    const done = await settled(owner.key, job.exportId);
    const stranger = await newSession("en");
    for (const path of [`/exports/${job.exportId}`, `/exports/${job.exportId}/events`, `/exports/${job.exportId}/download`]) {
      const answer = await call(path, { key: stranger.key });
      expect(answer.status, path).toBe(404);
    }
    expect((await call(`/exports/${job.exportId}/cancel`, { method: "POST", key: stranger.key })).status).toBe(404);
    const url = new URL(done.downloadUrl);
    url.searchParams.set("v", stranger.visitorId);
    expect((await exports.default.fetch(url)).status).toBe(401);
  });
});

describe("when an export goes wrong", () => {
  it("a render that fails upstream is retried once under a new id, then completes", async () => {
    const { key, sessionId } = await readySession();
    await emulator.fault("fail-render", { times: 1 });
    const { body: job } = await startExport(key, sessionId);
    const done = await settled(key, job.exportId);
    expect(done.status).toBe("completed");
    const submits = await renderSubmits();
    expect(submits).toHaveLength(2);
    const ids = submits.map((r) => JSON.parse(r.body!).id);
    expect(new Set(ids).size).toBe(2);
  });

  it("a render that fails twice ends the export as failed, with a reason in words", async () => {
    const { key, sessionId } = await readySession();
    await emulator.fault("fail-render", { times: 20 });
    const { body: job } = await startExport(key, sessionId);
    const done = await settled(key, job.exportId);
    expect(done).toMatchObject({ status: "failed", error: { code: "upstream_error" } });
    expect(done.error.message).toMatch(/could not render this video/);
    expect(done.downloadUrl).toBeUndefined();
  });

  it("polls that fail with 5xx are retried with backoff and the export still completes", async () => {
    const { key, sessionId } = await readySession();
    await emulator.fault("server-error", { times: 5, match: { path: "/api/render/proxy/lambda/render_" } });
    const { body: job } = await startExport(key, sessionId);
    const done = await settled(key, job.exportId);
    expect(done.status).toBe("completed");
    const statuses = (await renderPolls()).map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(5);
  });

  it("a render id NemoVideo refuses as used (409) is tried once more under a fresh id, and the export completes", async () => {
    const { key, sessionId } = await readySession();
    await emulator.fault("duplicate-render");
    const started = await startExport(key, sessionId);
    expect(started.status).toBe(202);
    const submits = await renderSubmits();
    expect(submits.map((r) => r.status)).toEqual([409, 200]);
    const ids = submits.map((r) => JSON.parse(r.body!).id);
    expect(new Set(ids).size).toBe(2);
    expect((await settled(key, started.body.exportId)).status).toBe("completed");
  });

  it("a refusal as {success:false} with HTTP 200 is a refusal too: a fresh id, and the export completes", async () => {
    const { key, sessionId } = await readySession();
    await emulator.configure({ renderErrorStatus: "200" });
    await emulator.fault("duplicate-render");
    const started = await startExport(key, sessionId);
    expect(started.status).toBe(202);
    expect((await renderSubmits()).map((r) => r.status)).toEqual([200, 200]);
    expect((await settled(key, started.body.exportId)).status).toBe("completed");
  });

  it("an answer about another job (the one NemoVideo matched the id to) is not taken for this export: the person gets a render of their own", async () => {
    const { key, sessionId: first } = await readySession();
    const earlier = await settled(key, (await startExport(key, first)).body.exportId);
    const second = await call("/sessions", { method: "POST", key, json: { language: "en" } });
    await emulator.grantCredits(500);
    await chat(key, second.body.sessionId, "a lighthouse on a cliff at dusk");
    await emulator.configure({ duplicateRender: "existing" });
    await emulator.fault("duplicate-render");
    const started = await startExport(key, second.body.sessionId);
    expect(started.body.status).not.toBe("completed");
    const done = await settled(key, started.body.exportId);
    expect(done.status).toBe("completed");
    expect(done.url).not.toBe(earlier.url);
    const ids = (await renderSubmits()).map((r) => JSON.parse(r.body!).id);
    expect(ids).toHaveLength(3);
    expect(done.url).toContain(`/render-result/${ids[2]}.mp4`);
  });

  it("cancel stops a running export: NemoVideo is told, the stream ends with cancelled", async () => {
    const { key, sessionId } = await readySession();
    await emulator.configure({ timeScale: 0.05 });
    const { body: job } = await startExport(key, sessionId);
    const following = follow(key, job.exportId);
    const cancelled = await call(`/exports/${job.exportId}/cancel`, { method: "POST", key });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ exportId: job.exportId, status: "cancelled" });
    const stream = await following;
    expect(stream.events.at(-1)!.data.status).toBe("cancelled");
    expect((await emulator.requests()).some((r) => r.path.endsWith("/cancel"))).toBe(true);
    const download = await call(`/exports/${job.exportId}/download`, { key });
    expect(download.status).toBe(409);
    // A new export may start after a cancel.
    expect((await startExport(key, sessionId)).body.exportId).not.toBe(job.exportId);
  });
  it("a cancel that lands while a poll is on its way wins: the poll's answer does not bring the export back", async () => {
    const { key, sessionId } = await readySession();
    await emulator.configure({ timeScale: 0.05 });
    await emulator.fault("slow", { times: 1, match: { path: "/api/render/proxy/lambda/render_" }, params: { ms: 400 } });
    const { body: job } = await startExport(key, sessionId);
    // The first poll goes out after 35 ms and NemoVideo takes 400 ms to answer it: cancel in between.
    await sleep(250);
    expect((await call(`/exports/${job.exportId}/cancel`, { method: "POST", key })).body.status).toBe("cancelled");
    await sleep(600);
    const after = await call(`/exports/${job.exportId}`, { key });
    expect(after.body.status).toBe("cancelled");
    const polls = (await renderPolls()).length;
    await sleep(300);
    expect((await renderPolls()).length).toBe(polls);
  });

  it("a render still running after 20 minutes is given up in words, and NemoVideo is told to stop", async () => {
    const { key, sessionId } = await readySession();
    // Renders of 15–45 s at this clock; the cap is 20 minutes × JOB_TIME_SCALE (0.005) = 6 s.
    await emulator.configure({ timeScale: 0.5 });
    const { body: job } = await startExport(key, sessionId);
    const done = await settled(key, job.exportId, 15_000);
    expect(done).toMatchObject({ status: "failed", error: { code: "upstream_timeout" } });
    expect(done.error.message).toMatch(/longer than 20 minutes/);
    expect((await emulator.requests()).some((r) => r.path.endsWith("/cancel"))).toBe(true);
  });
});

describe("an export outlives the tab and the object", () => {
  it("a restarted Durable Object resumes polling from storage and completes the export", async () => {
    const { key, sessionId, visitorId } = await readySession();
    await emulator.configure({ timeScale: 0.02 });
    const { body: job } = await startExport(key, sessionId);
    const fresh = await restartVisitor(visitorId);
    const deadline = Date.now() + 15_000;
    let status = "pending";
    while (Date.now() < deadline && !["completed", "failed"].includes(status)) {
      await runDurableObjectAlarm(fresh);
      status = (await call(`/exports/${job.exportId}`, { key })).body.status;
      if (status !== "completed") await sleep(50);
    }
    expect(status).toBe("completed");
  });

  it("an export kept by an older version (the submission's time and progress instead of the last poll's) is followed to the end after an upgrade", async () => {
    const { key, sessionId, visitorId } = await readySession();
    await emulator.configure({ timeScale: 0.02 });
    const { body: job } = await startExport(key, sessionId);
    await runInDurableObject(visitorStub(visitorId), (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec(`CREATE TABLE old_exports AS SELECT id, session_id, render_id, status, progress, url, error, format, quality,
        submissions, failures, created_at, looked_at AS submitted_at, progress AS start_progress, completed_at FROM exports`);
      sql.exec("DROP TABLE exports; ALTER TABLE old_exports RENAME TO exports");
      // The release that made such tables kept no versions (worker/migrations.ts).
      sql.exec("DROP TABLE migrations");
    });
    const fresh = await restartVisitor(visitorId);
    const deadline = Date.now() + 8_000;
    let status = "pending";
    while (Date.now() < deadline && status !== "completed") {
      await runDurableObjectAlarm(fresh);
      status = (await call(`/exports/${job.exportId}`, { key })).body.status;
      if (status !== "completed") await sleep(25);
    }
    expect(status).toBe("completed");
  });

  it("an alarm run twice (at-least-once delivery) polls again but submits nothing twice", async () => {
    const { key, sessionId, visitorId } = await readySession();
    const { body: job } = await startExport(key, sessionId);
    const stub = visitorStub(visitorId);
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    const done = await settled(key, job.exportId);
    expect(done.status).toBe("completed");
    expect(await renderSubmits()).toHaveLength(1);
  });
});
