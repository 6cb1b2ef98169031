import { reset } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { BASE, call, emulator, newSession, useEmulator } from "../helpers";

/**
 * OWASP API4: files sent in one request count among the visitor's uploads at once from their first byte, and a
 * body that trickles is cut. The `public` project shrinks the idle floor (UPLOAD_IDLE_MS) to 400 ms.
 */
useEmulator();
afterEach(() => reset());

const MB = 1024 * 1024;
const BOUNDARY = "----promptreel-test";
const encoder = new TextEncoder();
const head = (name: string) =>
  encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: video/mp4\r\n\r\n`);

/**
 * A single-request upload of `size` declared bytes whose body sends its first kilobyte and then nothing more, as a
 * client on a dying link (or an attacker holding connections) would. `stop()` ends the trickle.
 */
function trickle(key: string, sessionId: string, name: string, size = 10 * MB) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(head(name));
      c.enqueue(new Uint8Array(1024));
    },
  });
  const request = new Request(`${BASE}/sessions/${sessionId}/uploads`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": `multipart/form-data; boundary=${BOUNDARY}`, "Content-Length": String(size) },
    body,
    duplex: "half",
  } as RequestInit);
  const started = Date.now();
  const answer = exports.default.fetch(request).then(async (response) => ({
    status: response.status,
    body: await response.json<any>().catch(() => undefined),
    ms: Date.now() - started,
  }));
  // Ends the trickle (the Worker may have cut it already).
  const stop = () => {
    try {
      controller.close();
    } catch {}
  };
  return { answer, stop };
}

/** The answer, or "pending" if none came within `ms`. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<"pending">((resolve) => setTimeout(() => resolve("pending"), ms))]);

/** A whole small file in one request, as the page sends one. */
function wholeFile(key: string, sessionId: string, name = "clip.mp4") {
  const form = new FormData();
  form.append("files", new File([new Uint8Array(64 * 1024)], name, { type: "video/mp4" }));
  return call(`/sessions/${sessionId}/uploads`, { method: "POST", key, body: form });
}

const uploadsUpstream = async () => (await emulator.requests()).filter((r) => r.path.startsWith("/api/upload-video/"));

describe("files sent in one request", () => {
  it("six trickling uploads at once: three hold a slot, three are refused at once, and the three are cut when the bytes stop", async () => {
    const { key, sessionId } = await newSession("en");
    const uploads = Array.from({ length: 6 }, (_, i) => trickle(key, sessionId, `slow-${i}.mp4`));
    try {
      const answers = await Promise.all(uploads.map((upload) => within(upload.answer, 5000)));
      expect(answers.every((answer) => answer !== "pending"), "every upload was answered").toBe(true);
      const done = answers as Exclude<(typeof answers)[number], "pending">[];
      const refused = done.filter((answer) => answer.status === 429);
      expect(refused).toHaveLength(3);
      for (const answer of refused) {
        expect(answer.ms).toBeLessThan(400);
        expect(answer.body.error).toMatchObject({ code: "rate_limited", retryAt: expect.any(Number) });
      }
      const cut = done.filter((answer) => answer.status === 408);
      expect(cut).toHaveLength(3);
      for (const answer of cut) {
        expect(answer.body.error.code).toBe("upload_stalled");
        expect(answer.body.error.message).toMatch(/stopped arriving/);
      }
    } finally {
      for (const upload of uploads) upload.stop();
      await Promise.all(uploads.map((upload) => upload.answer));
    }
    // At most three ever reached NemoVideo, and none of them left a file behind.
    expect((await uploadsUpstream()).length).toBeLessThanOrEqual(3);
    expect((await call(`/sessions/${sessionId}`, { key })).body.media).toEqual([]);
    // The slots are free again.
    expect((await wholeFile(key, sessionId)).status).toBe(200);
  });

  it("with three resumable uploads on their way, a file in one request is refused before any byte reaches NemoVideo", async () => {
    const { key, sessionId } = await newSession("en");
    for (const name of ["a.mp4", "b.mp4", "c.mp4"])
      expect((await call(`/sessions/${sessionId}/uploads/resumable`, { method: "POST", key, json: { name, size: MB } })).status).toBe(201);
    const refused = await wholeFile(key, sessionId);
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/3 uploads on the way/);
    expect(await uploadsUpstream()).toEqual([]);
  });

  it("files in one request count their bytes: 300 MB on their way leave no room for a resumable 150 MB", async () => {
    const { key, sessionId } = await newSession("en");
    const slow = [trickle(key, sessionId, "big-1.mp4", 150 * MB), trickle(key, sessionId, "big-2.mp4", 150 * MB)];
    try {
      // Let them take their places.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = await call(`/sessions/${sessionId}/uploads/resumable`, { method: "POST", key, json: { name: "more.mp4", size: 150 * MB } });
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toMatch(/2 uploads on the way \(300 MB\)/);
      expect((await call(`/sessions/${sessionId}/uploads/resumable`, { method: "POST", key, json: { name: "less.mp4", size: 100 * MB } })).status).toBe(201);
    } finally {
      for (const upload of slow) upload.stop();
      await Promise.all(slow.map((upload) => upload.answer));
    }
  });
});
