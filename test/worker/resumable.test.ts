import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, call, emulator, newSession, newVisitor, useEmulator } from "../helpers";

useEmulator();

const MiB = 1024 * 1024;

/** `size` bytes of part `partNumber`: each MiB filled with its own value, so parts put in the wrong place change the file. */
function bytes(size: number, partNumber = 0) {
  let left = size;
  let chunkIndex = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left === 0) return controller.close();
      const chunk = Math.min(left, MiB);
      left -= chunk;
      controller.enqueue(new Uint8Array(chunk).fill((partNumber * 37 + chunkIndex++) % 251));
    },
  });
}

/** SHA-256 (hex) of the file made of parts 1…`partCount` in order, as `bytes` makes them. */
async function fileDigest(partSize: number, size: number) {
  const digest = new (crypto as unknown as { DigestStream: typeof DigestStream }).DigestStream("SHA-256");
  const writer = digest.getWriter();
  for (let n = 1, left = size; left > 0; n++, left -= partSize) {
    const reader = bytes(Math.min(partSize, left), n).getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) await writer.write(read.value);
  }
  await writer.close();
  return [...new Uint8Array(await digest.digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function putPart(key: string, uploadId: string, partNumber: number, size: number, declared = size) {
  const response = await exports.default.fetch(
    new Request(`${BASE}/uploads/${uploadId}/parts/${partNumber}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/octet-stream", "Content-Length": String(declared) },
      body: bytesOfLength(size, partNumber),
    }),
  );
  return { status: response.status, body: (await response.json()) as any };
}

function bytesOfLength(size: number, partNumber = 0) {
  const fixed = new FixedLengthStream(size);
  bytes(size, partNumber).pipeTo(fixed.writable).catch(() => {}); // refused parts are not read to the end
  return fixed.readable;
}

const start = (key: string, sessionId: string, name: string, size: number) =>
  call(`/sessions/${sessionId}/uploads/resumable`, { method: "POST", key, json: { name, size } });

const upstreamUploads = async () => (await emulator.requests()).filter((r) => r.path.startsWith("/api/upload-video/"));

describe("resumable uploads (large files in parts)", () => {
  it("a 200 MB file goes up in parts, out of order, and reaches NemoVideo whole and in order, in one request", async () => {
    const { key, sessionId } = await newSession("en");
    const size = 200 * MiB;
    const started = await start(key, sessionId, "holiday.mov", size);
    expect(started.status).toBe(201);
    const { uploadId, partSize, partCount } = started.body;
    expect(partSize).toBe(32 * MiB);
    expect(partCount).toBe(7);
    const order = [7, 1, 2, 3, 4, 5, 6];
    for (const n of order) {
      const length = n < partCount ? partSize : size - partSize * (partCount - 1);
      const part = await putPart(key, uploadId, n, length);
      expect(part.status).toBe(200);
    }
    expect(await upstreamUploads()).toHaveLength(0);
    const done = await call(`/uploads/${uploadId}/complete`, { method: "POST", key });
    expect(done.status).toBe(200);
    expect(done.body.files).toEqual([expect.objectContaining({ name: "holiday.mov", kind: "video" })]);
    const { uploads } = await emulator.call("/uploads");
    expect(uploads.at(-1).files).toEqual([{ filename: "holiday.mov", bytes: size, sha256: await fileDigest(partSize, size) }]);
    expect(await upstreamUploads()).toHaveLength(1);
    expect((await call(`/uploads/${uploadId}`, { key })).status).toBe(404);
  }, 60_000);

  it("says which parts have arrived, so a person can resume after a lost connection", async () => {
    const { key, sessionId } = await newSession("en");
    const { uploadId } = (await start(key, sessionId, "clip.mp4", 12 * MiB)).body;
    const status = await call(`/uploads/${uploadId}`, { key });
    expect(status.body).toMatchObject({ name: "clip.mp4", size: 12 * MiB, partCount: 1, receivedParts: [] });
    expect((await putPart(key, uploadId, 1, 12 * MiB)).body.receivedParts).toEqual([1]);
    expect((await call(`/uploads/${uploadId}`, { key })).body.receivedParts).toEqual([1]);
  });

  it("completing before every part arrived answers 409 naming the missing parts, and sends nothing", async () => {
    const { key, sessionId } = await newSession("en");
    const { uploadId } = (await start(key, sessionId, "long.mp4", 70 * MiB)).body;
    await putPart(key, uploadId, 1, 32 * MiB);
    const early = await call(`/uploads/${uploadId}/complete`, { method: "POST", key });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("upload_incomplete");
    expect(early.body.error.message).toMatch(/Parts 2, 3 of "long\.mp4" have not arrived/);
    expect(await upstreamUploads()).toHaveLength(0);
  });

  it("a part of the wrong size or number is refused in words", async () => {
    const { key, sessionId } = await newSession("en");
    const { uploadId } = (await start(key, sessionId, "long.mp4", 40 * MiB)).body;
    const wrongSize = await putPart(key, uploadId, 1, 1000);
    expect(wrongSize.status).toBe(400);
    expect(wrongSize.body.error.message).toMatch(/must be exactly 33554432 bytes/);
    const wrongNumber = await putPart(key, uploadId, 3, 1000);
    expect(wrongNumber.status).toBe(400);
    expect(wrongNumber.body.error.message).toMatch(/has 2 parts/);
  });

  it("name, format and size are checked when the upload starts", async () => {
    const { key, sessionId } = await newSession("en");
    expect((await start(key, sessionId, "virus.exe", MiB)).status).toBe(415);
    expect((await start(key, sessionId, "huge.mp4", 201 * MiB)).status).toBe(413);
    expect((await start(key, sessionId, "", MiB)).status).toBe(400);
    expect((await call(`/sessions/${sessionId}/uploads/resumable`, { method: "POST", key, json: { name: "a.mp4", size: -1 } })).status).toBe(400);
  });

  it("if NemoVideo fails on complete, the parts are kept and complete can simply be called again", async () => {
    const { key, sessionId } = await newSession("en");
    const { uploadId } = (await start(key, sessionId, "song.mp3", 3 * MiB)).body;
    await putPart(key, uploadId, 1, 3 * MiB);
    await emulator.fault("server-error", { match: { path: "/api/upload-video/" }, params: { status: 503 } });
    const failed = await call(`/uploads/${uploadId}/complete`, { method: "POST", key });
    expect(failed.status).toBe(503);
    const again = await call(`/uploads/${uploadId}/complete`, { method: "POST", key });
    expect(again.status).toBe(200);
    expect(again.body.files[0]).toMatchObject({ name: "song.mp3", kind: "audio" });
  });

  it("an expired token during complete is renewed and the file sent again from storage", async () => {
    const { key, sessionId } = await newSession("en");
    const { uploadId } = (await start(key, sessionId, "photo.png", MiB)).body;
    await putPart(key, uploadId, 1, MiB);
    await emulator.fault("expire-token", { match: { path: "/api/upload-video/" } });
    const done = await call(`/uploads/${uploadId}/complete`, { method: "POST", key });
    expect(done.status).toBe(200);
    expect((await upstreamUploads()).map((r) => r.status)).toEqual([401, 200]);
  });

  it("an upload can be cancelled, and belongs to its visitor only", async () => {
    const { key, sessionId } = await newSession("en");
    const { uploadId } = (await start(key, sessionId, "clip.webm", MiB)).body;
    const stranger = await newVisitor();
    expect((await call(`/uploads/${uploadId}`, { key: stranger.key })).status).toBe(404);
    expect((await putPart(stranger.key, uploadId, 1, MiB)).status).toBe(404);
    expect((await call(`/uploads/${uploadId}/complete`, { method: "POST", key: stranger.key })).status).toBe(404);
    expect((await call(`/uploads/${uploadId}`, { method: "DELETE", key: stranger.key })).status).toBe(404);
    expect((await call(`/uploads/${uploadId}`, { method: "DELETE", key })).status).toBe(204);
    expect((await call(`/uploads/${uploadId}`, { key })).status).toBe(404);
  });
});
