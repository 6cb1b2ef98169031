import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { standardHeaders } from "../../worker/generations/signature";
import { webhookSecret } from "../../worker/signing";
import { call, emulator, newVisitor, parseSse, restartVisitor, useEmulator, visitorStub } from "../helpers";

useEmulator();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const WEBHOOK = "http://nemo.emulator/__emulator/webhooks";
const FINAL = ["completed", "failed", "cancelled"];

const generate = (key: string, body: Record<string, unknown>) => call("/generations", { method: "POST", key, json: body });

async function finished(key: string, id: string, timeoutMs = 12_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await call(`/generations/${id}`, { key });
    if (FINAL.includes(answer.body.status) || Date.now() > deadline) return answer.body;
    await sleep(30);
  }
}

/** Waits until the generation reaches `status` (or has ended). */
async function reaches(key: string, id: string, status: string, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await call(`/generations/${id}`, { key });
    if (answer.body.status === status || FINAL.includes(answer.body.status) || Date.now() > deadline) return answer.body;
    await sleep(10);
  }
}

const cancel = (key: string, id: string) => call(`/generations/${id}/cancel`, { method: "POST", key });
const renderSubmits = async () => (await emulator.requests()).filter((r) => r.method === "POST" && r.path === "/api/render/proxy/lambda");

async function deliveries(count: number, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { deliveries } = await emulator.call("/webhooks");
    if (deliveries.length >= count || Date.now() > deadline) return deliveries as { headers: Record<string, string>; body: string; answered: number }[];
    await sleep(30);
  }
}

/** The form of the webhook secret answered before Standard Webhooks (base64url), which keys `PromptReel-Signature`. */
const legacySecret = (secret: string) => secret.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** What an old receiver does: recompute the HMAC of "t.body" with its secret and compare. */
async function verifies(header: string, body: string, secret: string) {
  const { t, v1 } = Object.fromEntries(header.split(",").map((part) => part.split("=") as [string, string]));
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${t}.${body}`)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("") === v1;
}

describe("a generation: text in, MP4 out, in one call", () => {
  it("queues at once, then shows each step and the assistant's words in its event stream, and ends with the MP4", async () => {
    const { key } = await newVisitor();
    const started = await generate(key, { prompt: "a fox running through a snowy forest", language: "en" });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ generationId: expect.stringMatching(/^gen_[0-9a-f]{16}$/), status: "queued" });
    const stream = await call(`/generations/${started.body.generationId}/events`, { key });
    const { events } = parseSse(stream.text);
    const statuses = events.filter((e) => e.event === "status").map((e) => e.data.status);
    expect([...new Set(statuses)]).toEqual(expect.arrayContaining(["generating", "rendering", "completed"]));
    expect(statuses.at(-1)).toBe("completed");
    expect(events.some((e) => e.event === "activity" && e.data.label === "Generating video")).toBe(true);
    expect(events.some((e) => e.event === "text")).toBe(true);
    const last = events.at(-1)!.data;
    expect(last.downloadUrl).toMatch(/^http:\/\/localhost\/api\/v1\/exports\/exp_[0-9a-f]{16}\/download\?/);

    const generation = await call(`/generations/${started.body.generationId}`, { key });
    expect(generation.body).toMatchObject({ status: "completed", prompt: "a fox running through a snowy forest", progress: 100 });
    expect(generation.body.messages.map((m: any) => m.role)).toEqual(["user", "assistant"]);
    expect(generation.body.messages[1].text).not.toMatch(/click/i);
    const file = await exports.default.fetch(generation.body.downloadUrl);
    expect(file.status).toBe(200);
    expect(new TextDecoder().decode(new Uint8Array(await file.arrayBuffer()).subarray(4, 8))).toBe("ftyp");
    expect((await call("/generations", { key })).body.generations).toHaveLength(1);
    expect((await call("/exports", { key })).body.exports).toHaveLength(1);
  });

  it("runs to the end with nobody watching, and the prompt is sent to NemoVideo exactly once", async () => {
    const { key } = await newVisitor();
    const { body } = await generate(key, { prompt: "a lighthouse at dusk, waves crashing" });
    const done = await finished(key, body.generationId);
    expect(done.status).toBe("completed");
    expect((await emulator.requests()).filter((r) => r.path === "/run_sse")).toHaveLength(1);
  });

  it("an aspect ratio and a length reach NemoVideo as words after the prompt, and the generation shows what was sent", async () => {
    const { key } = await newVisitor();
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest.", aspectRatio: "9:16", lengthS: 10 });
    const done = await finished(key, body.generationId);
    expect(done).toMatchObject({ status: "completed", prompt: "a fox running through a snowy forest, 9:16 vertical, 10 seconds" });
    const sent = (await emulator.requests()).filter((r) => r.path === "/run_sse" && r.body?.includes("9:16 vertical"));
    expect(sent.map((r) => r.body)).toEqual([expect.stringContaining("a fox running through a snowy forest, 9:16 vertical, 10 seconds")]);
  });

  it("a prompt NemoVideo answers without making a video fails in words, with its reply kept", async () => {
    const { key } = await newVisitor();
    const { body } = await generate(key, { prompt: "What can you do?" });
    const done = await finished(key, body.generationId);
    expect(done).toMatchObject({ status: "failed", error: { code: "export_not_ready" } });
    expect(done.error.message).toMatch(/made no video/);
    expect(done.messages[1]?.role).toBe("assistant");
    expect((await emulator.requests()).some((r) => r.path === "/api/render/proxy/lambda")).toBe(false);
  });

  it("no credits: the generation fails with the registration link as the way out", async () => {
    const { key } = await newVisitor();
    await emulator.fault("no-credits", { times: 5, match: { path: "/run_sse" } });
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest" });
    const done = await finished(key, body.generationId);
    expect(done).toMatchObject({ status: "failed", error: { code: "no_credits" } });
    expect(done.error.link).toMatch(/^https:\/\/nemovideo\.com\/register/);
  });

  it("bad input is refused at the edge and nothing starts: no prompt, a webhook that is not https or carries a password", async () => {
    const { key } = await newVisitor();
    for (const body of [
      {},
      { prompt: "  " },
      { prompt: "a fox", webhookUrl: "ftp://example.com/hook" },
      { prompt: "a fox", webhookUrl: "http://example.com/hook" },
      { prompt: "a fox", webhookUrl: "https://user:pass@example.com/hook" },
      { prompt: "a fox", language: "not a language" },
      { prompt: "a fox", aspectRatio: "4:3" },
      { prompt: "a fox", lengthS: 7 },
      { prompt: "a fox", lengthS: "10" },
    ]) {
      const answer = await generate(key, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
    }
    expect((await call("/generations", { key })).body.generations).toHaveLength(0);
    expect(await emulator.requests()).toHaveLength(0);
  });

  it("a fourth generation while three are on their way is refused in words, and starts nothing", async () => {
    const { key } = await newVisitor();
    const started = [];
    for (let i = 0; i < 3; i++) started.push(await generate(key, { prompt: `a fox running through a snowy forest, take ${i}` }));
    expect(started.map((answer) => answer.status)).toEqual([202, 202, 202]);
    const fourth = await generate(key, { prompt: "one more" });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error).toMatchObject({ code: "rate_limited" });
    expect(fourth.body.error.message).toMatch(/3 generations on their way/);
    for (const answer of started) await finished(key, answer.body.generationId);
    expect((await generate(key, { prompt: "now there is room" })).status).toBe(202);
    expect((await call("/generations", { key })).body.generations).toHaveLength(4);
  });

  it("another visitor's generation answers 404", async () => {
    const owner = await newVisitor();
    const { body } = await generate(owner.key, { prompt: "a fox running through a snowy forest" });
    const stranger = await newVisitor();
    expect((await call(`/generations/${body.generationId}`, { key: stranger.key })).status).toBe(404);
    expect((await call(`/generations/${body.generationId}/events`, { key: stranger.key })).status).toBe(404);
    await finished(owner.key, body.generationId);
  });

  it("a restart in the middle resumes from storage: the generation still ends with the MP4", async () => {
    const { key, visitorId } = await newVisitor();
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest" });
    const deadline = Date.now() + 5000;
    while ((await call(`/generations/${body.generationId}`, { key })).body.status === "queued" && Date.now() < deadline) await sleep(10);
    const fresh = await restartVisitor(visitorId);
    let done = await call(`/generations/${body.generationId}`, { key });
    while (!FINAL.includes(done.body.status) && Date.now() < deadline + 10_000) {
      await runDurableObjectAlarm(fresh);
      await sleep(50);
      done = await call(`/generations/${body.generationId}`, { key });
    }
    expect(done.body.status).toBe("completed");
    expect((await emulator.requests()).filter((r) => r.path === "/run_sse")).toHaveLength(1);
  });
});

describe("cancel", () => {
  it("while rendering: the render is cancelled at NemoVideo, the generation ends cancelled, and its stream ends with it", async () => {
    const { key } = await newVisitor();
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest" });
    await reaches(key, body.generationId, "generating");
    await emulator.configure({ timeScale: 0.5 }); // renders of 7–22 s from here on
    expect((await reaches(key, body.generationId, "rendering")).status).toBe("rendering");
    const following = call(`/generations/${body.generationId}/events`, { key });
    const cancelled = await cancel(key, body.generationId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ generationId: body.generationId, status: "cancelled" });
    expect(cancelled.body.downloadUrl).toBeUndefined();
    const statuses = parseSse((await following).text).events.filter((e) => e.event === "status");
    expect(statuses.at(-1)!.data.status).toBe("cancelled");
    expect((await emulator.requests()).some((r) => r.path.endsWith("/cancel"))).toBe(true);
    expect((await call(`/exports/${cancelled.body.exportId}`, { key })).body.status).toBe("cancelled");
    await sleep(300);
    expect((await call(`/generations/${body.generationId}`, { key })).body.status).toBe("cancelled");
  });

  it("while its prompt is with NemoVideo: the turn is not recalled, but nothing is exported and it stays cancelled", async () => {
    const { key } = await newVisitor();
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest" });
    await reaches(key, body.generationId, "generating");
    expect((await cancel(key, body.generationId)).body.status).toBe("cancelled");
    await sleep(1500); // the turn ends meanwhile
    expect((await call(`/generations/${body.generationId}`, { key })).body.status).toBe("cancelled");
    expect(await renderSubmits()).toHaveLength(0);
    expect((await emulator.requests()).filter((r) => r.path === "/run_sse")).toHaveLength(1);
  });

  it("while its render is being submitted: that render is cancelled as soon as NemoVideo answers", async () => {
    const { key } = await newVisitor();
    await emulator.fault("slow", { match: { path: "/api/render/proxy/lambda" }, params: { ms: 600 } });
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest" });
    await reaches(key, body.generationId, "generating");
    const deadline = Date.now() + 8000;
    while (!(await emulator.requests()).some((r) => r.path === "/run_sse" && r.status) && Date.now() < deadline) await sleep(10);
    while ((await renderSubmits()).length === 0 && Date.now() < deadline) await sleep(10);
    expect((await cancel(key, body.generationId)).body.status).toBe("cancelled");
    await sleep(900);
    const after = await call(`/generations/${body.generationId}`, { key });
    expect(after.body).toMatchObject({ status: "cancelled" });
    expect(after.body.exportId).toBeUndefined();
    expect((await emulator.requests()).some((r) => r.path.endsWith("/cancel"))).toBe(true);
    expect((await call("/exports", { key })).body.exports.map((e: any) => e.status)).toEqual(["cancelled"]);
  });

  it("a generation that has ended is answered as it is; another visitor's answers 404; a cancelled one frees its place", async () => {
    const { key } = await newVisitor();
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest" });
    expect((await cancel((await newVisitor()).key, body.generationId)).status).toBe(404);
    const done = await finished(key, body.generationId);
    expect(done.status).toBe("completed");
    expect((await cancel(key, body.generationId)).body).toMatchObject({ status: "completed", downloadUrl: expect.any(String) });
    const started = [];
    for (let i = 0; i < 3; i++) started.push((await generate(key, { prompt: `a lighthouse, take ${i}` })).body.generationId);
    expect((await generate(key, { prompt: "one more" })).status).toBe(429);
    await cancel(key, started[0]);
    const last = await generate(key, { prompt: "one more" });
    expect(last.status).toBe(202);
    // Nothing of this test runs on into the next one.
    for (const id of [...started.slice(1), last.body.generationId]) await cancel(key, id);
  });
});

describe("edit: a change in plain words to a video made before", () => {
  const editOf = (key: string, id: string, body: Record<string, unknown>) => call(`/generations/${id}/edit`, { method: "POST", key, json: body });

  it("sends the change in the video's own project and exports a new MP4; the first stays as it was", async () => {
    const { key } = await newVisitor();
    const first = await finished(key, (await generate(key, { prompt: "a heron over a misty lake", language: "en" })).body.generationId);
    const edited = await editOf(key, first.generationId, { prompt: "make the sky a deep purple", aspectRatio: "1:1" });
    expect(edited.status).toBe(202);
    expect(edited.body).toEqual({ generationId: expect.stringMatching(/^gen_[0-9a-f]{16}$/), status: "queued" });
    const done = await finished(key, edited.body.generationId);
    expect(done).toMatchObject({ status: "completed", editOf: first.generationId, sessionId: first.sessionId, language: "en" });
    expect(done.prompt).toBe("make the sky a deep purple, 1:1 square");
    expect(done.exportId).not.toBe(first.exportId);
    const turns = (await emulator.requests())
      .filter((r) => r.path === "/run_sse" && /a heron over a misty lake|make the sky a deep purple/.test(r.body ?? ""))
      .map((r) => JSON.parse(r.body!));
    expect(turns).toHaveLength(2);
    expect(JSON.stringify(turns[1])).toContain("make the sky a deep purple");
    expect(turns[1].session_id ?? turns[1].sessionId).toBe(turns[0].session_id ?? turns[0].sessionId);
    for (const url of [first.downloadUrl, done.downloadUrl]) {
      const file = await exports.default.fetch(url);
      expect(file.status).toBe(200);
      await file.body?.cancel();
    }
  });

  it("is refused in words while the video is still being made, for another visitor's video, and without a change", async () => {
    const { key } = await newVisitor();
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest" });
    const busy = await editOf(key, body.generationId, { prompt: "make it purple" });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({ code: "turn_running", message: expect.stringMatching(/still being made/) });
    await finished(key, body.generationId);
    expect((await editOf((await newVisitor()).key, body.generationId, { prompt: "make it purple" })).status).toBe(404);
    expect((await editOf(key, body.generationId, { prompt: " " })).status).toBe(400);
    expect((await editOf(key, "gen_0000000000000000", { prompt: "make it purple" })).status).toBe(404);
    expect((await call("/generations", { key })).body.generations).toHaveLength(1);
  });

  it("waits while a chat turn runs in the video's project, then goes on", async () => {
    const { key } = await newVisitor();
    const first = await finished(key, (await generate(key, { prompt: "a fox running through a snowy forest" })).body.generationId);
    await emulator.fault("slow", { match: { path: "/run_sse" }, params: { ms: 800 } });
    const chatting = call(`/sessions/${first.sessionId}/messages`, { method: "POST", key, json: { text: "add a title" } });
    await sleep(100);
    const { body } = await editOf(key, first.generationId, { prompt: "make the sky a deep purple" });
    await sleep(400);
    expect((await call(`/generations/${body.generationId}`, { key })).body.status).toBe("queued");
    expect((await chatting).status).toBe(200);
    expect((await finished(key, body.generationId)).status).toBe("completed");
  });

  it("a table made before edits gains the column, and what it held stays", async () => {
    const { key, visitorId } = await newVisitor();
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest" });
    await finished(key, body.generationId);
    await runInDurableObject(visitorStub(visitorId), async (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("CREATE TABLE old AS SELECT * FROM generations");
      sql.exec("DROP TABLE generations");
      sql.exec("CREATE TABLE generations AS SELECT * FROM old");
      sql.exec("DROP TABLE old");
      sql.exec("ALTER TABLE generations DROP COLUMN edit_of");
      // The release that made such tables kept no versions (worker/migrations.ts).
      sql.exec("DROP TABLE migrations");
    });
    const fresh = await restartVisitor(visitorId);
    await runInDurableObject(fresh, () => {});
    const edited = await editOf(key, body.generationId, { prompt: "make the sky a deep purple" });
    expect(edited.status).toBe(202);
    expect(await finished(key, edited.body.generationId)).toMatchObject({ status: "completed", editOf: body.generationId });
  });
});

describe("webhooks", () => {
  it("the result is POSTed to webhookUrl, signed with the secret from the 202, with an absolute download link", async () => {
    const { key } = await newVisitor();
    const started = await generate(key, { prompt: "a fox running through a snowy forest", webhookUrl: WEBHOOK });
    expect(started.body.webhookSecret).toMatch(/^whsec_/);
    const done = await finished(key, started.body.generationId);
    expect(done.status).toBe("completed");
    const [delivery] = await deliveries(1);
    expect(delivery.headers["promptreel-event"]).toBe("generation.completed");
    expect(delivery.headers["promptreel-delivery"]).toBe(started.body.generationId);
    const legacy = legacySecret(started.body.webhookSecret);
    expect(await verifies(delivery.headers["promptreel-signature"], delivery.body, legacy)).toBe(true);
    expect(await verifies(delivery.headers["promptreel-signature"], delivery.body.replace("fox", "cat"), legacy)).toBe(false);
    const payload = new Webhook(started.body.webhookSecret).verify(delivery.body, delivery.headers) as any;
    expect(payload).toMatchObject({ type: "generation.completed", data: { generationId: started.body.generationId, status: "completed" } });
    expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);
    expect(payload.data.downloadUrl).toMatch(/^http:\/\/localhost\/api\/v1\/exports\/.+sig=/);
    const file = await exports.default.fetch(payload.data.downloadUrl);
    expect(file.status).toBe(200);
    await file.body?.cancel();
    expect((await call(`/generations/${started.body.generationId}`, { key })).body.webhook).toMatchObject({ status: "delivered", attempts: 1, lastStatus: "delivered" });
  });

  it("a receiver verifying with the standardwebhooks package accepts every delivery; the retry of a refused one carries the same webhook-id", async () => {
    const { key } = await newVisitor();
    await emulator.call("/webhooks/statuses", { method: "POST", json: { statuses: [500] } });
    const started = await generate(key, { prompt: "a fox running through a snowy forest", webhookUrl: WEBHOOK });
    expect(started.body.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await finished(key, started.body.generationId);
    const received = await deliveries(2);
    expect(received.map((d) => d.answered)).toEqual([500, 200]);
    const receiver = new Webhook(started.body.webhookSecret);
    for (const delivery of received) {
      expect(receiver.verify(delivery.body, delivery.headers)).toMatchObject({ type: "generation.completed", data: { status: "completed" } });
      expect(delivery.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(Number(delivery.headers["webhook-timestamp"])).toBeCloseTo(Date.now() / 1000, -2);
      expect(() => receiver.verify(delivery.body.replace("fox", "cat"), delivery.headers)).toThrow();
    }
    expect(new Set(received.map((d) => d.headers["webhook-id"]))).toEqual(new Set([started.body.generationId]));
  });

  it("its signature is the one the standardwebhooks package computes, for any body: words in any script, none, a large one", async () => {
    const secret = await webhookSecret(crypto.randomUUID(), "test-visitor-key-secret");
    const receiver = new Webhook(secret);
    const at = new Date(Date.now() - 30_000);
    for (const body of ['{"prompt":"un renard dans la forêt enneigée — 雪の森を走る狐 🦊"}', "", JSON.stringify({ data: "x".repeat(300_000) })]) {
      const headers = await standardHeaders("gen_0123456789abcdef", body, secret, at);
      expect(headers["webhook-signature"]).toBe(receiver.sign("gen_0123456789abcdef", at, body));
      expect(headers["webhook-timestamp"]).toBe(String(Math.floor(at.getTime() / 1000)));
      if (body) expect(receiver.verify(body, headers)).toEqual(JSON.parse(body));
    }
  });

  it("a receiver that fails is retried with growing pauses until it answers 2xx", async () => {
    const { key } = await newVisitor();
    await emulator.call("/webhooks/statuses", { method: "POST", json: { statuses: [500, 503] } });
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest", webhookUrl: WEBHOOK });
    await finished(key, body.generationId);
    const received = await deliveries(3);
    expect(received.map((d) => d.answered)).toEqual([500, 503, 200]);
    const times = received.map((d: any) => d.at);
    expect(times[2] - times[1]).toBeGreaterThan(times[1] - times[0]);
    expect(new Set(received.map((d) => d.headers["promptreel-delivery"])).size).toBe(1);
    const deadline = Date.now() + 2000;
    let webhook;
    do webhook = (await call(`/generations/${body.generationId}`, { key })).body.webhook;
    while (webhook.status === "pending" && Date.now() < deadline);
    expect(webhook).toMatchObject({ status: "delivered", attempts: 3 });
  });

  it("a receiver that never answers 2xx is given up after six attempts, and says so", async () => {
    const { key } = await newVisitor();
    await emulator.call("/webhooks/statuses", { method: "POST", json: { statuses: [500, 500, 500, 500, 500, 500, 500] } });
    const { body } = await generate(key, { prompt: "What can you do?", webhookUrl: WEBHOOK });
    await finished(key, body.generationId);
    const received = await deliveries(6, 15_000);
    expect(received).toHaveLength(6);
    expect(JSON.parse(received[0].body).type).toBe("generation.failed");
    const deadline = Date.now() + 3000;
    let webhook;
    do webhook = (await call(`/generations/${body.generationId}`, { key })).body.webhook;
    while (webhook.status === "pending" && Date.now() < deadline);
    expect(webhook).toMatchObject({ status: "failed", attempts: 6, lastStatus: "failed" });
  });
});

describe("what is kept", () => {
  it("the sweep forgets expired sessions with their finished generations, and exports but those whose video is kept", async () => {
    const { key, visitorId } = await newVisitor();
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest" });
    const done = await finished(key, body.generationId);
    expect(done.status).toBe("completed");
    await runInDurableObject(visitorStub(visitorId), (_instance, state) => {
      state.storage.sql.exec("UPDATE sessions SET expires_at = 0");
      state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE key = 'sweep'");
    });
    await runDurableObjectAlarm(visitorStub(visitorId));
    expect((await call(`/generations/${body.generationId}`, { key })).status).toBe(404);
    expect((await call("/sessions", { key })).body.sessions).toHaveLength(0);
    // The video outlives its project: it is in the library until it is deleted, then its export goes too.
    expect((await call("/videos", { key })).body.videos.map((video: any) => video.videoId)).toEqual([done.exportId]);
    expect((await call(`/videos/${done.exportId}`, { method: "DELETE", key })).status).toBe(204);
    await runInDurableObject(visitorStub(visitorId), (_instance, state) => {
      state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE key = 'sweep'");
    });
    await runDurableObjectAlarm(visitorStub(visitorId));
    expect((await call(`/exports/${done.exportId}`, { key })).status).toBe(404);
  });
});

describe("a step that throws", () => {
  it("is retried by the alarm with backoff, and the generation goes on", async () => {
    const { key } = await newVisitor();
    await emulator.fault("server-error", { times: 3, match: { path: "/api/tasks/me/with-session" } });
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest" });
    const done = await finished(key, body.generationId);
    expect(done.status).toBe("completed");
    const opens = (await emulator.requests()).filter((r) => r.path.startsWith("/api/tasks/me/with-session"));
    expect(opens.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    // Backoff of 2 s, 4 s, 8 s, scaled by JOB_TIME_SCALE (0.005): each pause is at least its step.
    const pauses = opens.slice(1).map((r, i) => r.time - opens[i].time);
    pauses.forEach((pause, i) => expect(pause).toBeGreaterThanOrEqual(10 * 2 ** i - 2));
  });

  it("is given up after six attempts: the generation fails with the reason instead of retrying forever", async () => {
    const { key } = await newVisitor();
    await emulator.fault("server-error", { times: 50, match: { path: "/api/tasks/me/with-session" } });
    const { body } = await generate(key, { prompt: "a fox running through a snowy forest" });
    const done = await finished(key, body.generationId);
    expect(done).toMatchObject({ status: "failed", error: { code: "upstream_unavailable" } });
    expect((await emulator.requests()).filter((r) => r.path.startsWith("/api/tasks/me/with-session"))).toHaveLength(6);
  });
});
