import { describe, expect, it } from "vitest";
import { BASE, call, chat, emulator, newSession, useEmulator } from "../helpers";
import { exports } from "cloudflare:workers";

useEmulator();

const BOUNDARY = "----promptreel-test-boundary";
const encoder = new TextEncoder();

/** One MiB of bytes that differ from each other; each chunk of a file is it with the chunk's number in front. */
const PATTERN = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24);
const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");

/**
 * A multipart body of files of the given sizes, generated as a stream (never held whole); no two of a file's MiB
 * are alike, so a byte moved, repeated or overwritten on the way changes its SHA-256 (`sha256`, of what was sent).
 */
function multipart(files: { name: string; size: number; field?: string }[]) {
  const heads = files.map((file, index) =>
    encoder.encode(
      `${index ? "\r\n" : ""}--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.field ?? "files"}"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
  );
  const tail = encoder.encode(`\r\n--${BOUNDARY}--\r\n`);
  const length = heads.reduce((sum, head, i) => sum + head.length + files[i].size, 0) + tail.length;
  const CHUNK = 1 << 20;
  let file = -1;
  let left = 0;
  let chunkNumber = 0;
  const digests = files.map(() => new (crypto as unknown as { DigestStream: typeof DigestStream }).DigestStream("SHA-256"));
  const writers = digests.map((digest) => digest.getWriter());
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left > 0) {
        const size = Math.min(CHUNK, left);
        left -= size;
        const chunk = PATTERN.slice(0, size);
        new DataView(chunk.buffer).setUint32(0, chunkNumber++);
        void writers[file].write(chunk.slice());
        return controller.enqueue(chunk);
      }
      if (file >= 0) void writers[file].close();
      file++;
      if (file < files.length) {
        left = files[file].size;
        return controller.enqueue(heads[file]);
      }
      controller.enqueue(tail);
      controller.close();
    },
  });
  const sha256 = digests.map(async (digest) => hex(await digest.digest));
  return { stream, length, sha256 };
}

async function upload(key: string, sessionId: string, files: { name: string; size: number; field?: string }[], length?: number) {
  const body = multipart(files);
  const headers: Record<string, string> = {
    Authorization: `Bearer ${key}`,
    "Content-Type": `multipart/form-data; boundary=${BOUNDARY}`,
  };
  if (length !== 0) headers["Content-Length"] = String(length ?? body.length);
  const response = await exports.default.fetch(
    new Request(`${BASE}/sessions/${sessionId}/uploads`, { method: "POST", headers, body: body.stream }),
  );
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), sha256: body.sha256 };
}

const upstreamUploads = async () => (await emulator.requests()).filter((r) => r.path.startsWith("/api/upload-video/"));

describe("uploads", () => {
  it("a file streams through to NemoVideo and comes back described, and lands in the session's media", async () => {
    const { key, sessionId } = await newSession("en");
    const answer = await upload(key, sessionId, [{ name: "beach.mp4", size: 300_000 }]);
    expect(answer.status).toBe(200);
    expect(answer.body.files).toEqual([expect.objectContaining({ name: "beach.mp4", kind: "video", url: expect.stringMatching(/^http/) })]);
    const { uploads } = await emulator.call("/uploads");
    expect(uploads.at(-1).files).toEqual([{ filename: "beach.mp4", bytes: 300_000, sha256: await answer.sha256[0] }]);
    const [request] = await upstreamUploads();
    expect(Number(request.headers["content-length"])).toBeGreaterThan(300_000);
    const session = await call(`/sessions/${sessionId}`, { key });
    expect(session.body.media).toContainEqual(expect.objectContaining({ name: "beach.mp4", kind: "video" }));
  });

  it("several files in one request pass together", async () => {
    const { key, sessionId } = await newSession("en");
    const answer = await upload(key, sessionId, [
      { name: "a.png", size: 2_000 },
      { name: "b.mp3", size: 3_000 },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body.files.map((f: any) => [f.name, f.kind])).toEqual([["a.png", "image"], ["b.mp3", "audio"]]);
  });

  it("a 200 MB file streams through without being held, and arrives unchanged", async () => {
    const { key, sessionId } = await newSession("en");
    const size = 200 * 1024 * 1024 - 1024;
    const answer = await upload(key, sessionId, [{ name: "long-take.mov", size }]);
    expect(answer.status).toBe(200);
    const { uploads } = await emulator.call("/uploads");
    expect(uploads.at(-1).files[0].bytes).toBe(size);
    expect(uploads.at(-1).files[0].sha256).toBe(await answer.sha256[0]);
    expect(uploads.at(-1).maxBufferedBytes).toBeLessThan(4 * 1024 * 1024);
  }, 60_000);

  it("an unsupported format answers 415 with the formats, and nothing reaches NemoVideo", async () => {
    const { key, sessionId } = await newSession("en");
    const answer = await upload(key, sessionId, [{ name: "setup.exe", size: 10_000 }]);
    expect(answer.status).toBe(415);
    expect(answer.body.error.code).toBe("unsupported_format");
    expect(answer.body.error.message).toMatch(/Supported formats: video MP4/);
    expect(await upstreamUploads()).toHaveLength(0);
  });

  it("an upload over the limit answers 413 from its Content-Length, before any byte goes upstream", async () => {
    const { key, sessionId } = await newSession("en");
    const answer = await upload(key, sessionId, [{ name: "huge.mp4", size: 1_000 }], 300 * 1024 * 1024);
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe("file_too_large");
    expect(answer.body.error.message).toMatch(/200 MB/);
    expect(await upstreamUploads()).toHaveLength(0);
  });

  it("an upload without Content-Length answers 411", async () => {
    const { key, sessionId } = await newSession("en");
    const answer = await upload(key, sessionId, [{ name: "clip.mp4", size: 1_000 }], 0);
    expect(answer.status).toBe(411);
    expect(await upstreamUploads()).toHaveLength(0);
  });

  it("files in another field are refused in words", async () => {
    const { key, sessionId } = await newSession("en");
    const answer = await upload(key, sessionId, [{ name: "clip.mp4", size: 1_000, field: "video" }]);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/field `files`/);
    expect(await upstreamUploads()).toHaveLength(0);
  });

  it("a bad file after a good one stops the upload before its bytes go out, and nothing is stored", async () => {
    const { key, sessionId } = await newSession("en");
    const answer = await upload(key, sessionId, [
      { name: "good.mp4", size: 2_000_000 },
      { name: "bad.exe", size: 2_000_000 },
    ]);
    expect(answer.status).toBe(415);
    expect(answer.body.error.message).toMatch(/bad\.exe/);
    const { uploads } = await emulator.call("/uploads");
    expect(uploads.flatMap((u: any) => u.files.map((f: any) => f.filename))).not.toContain("bad.exe");
    const session = await call(`/sessions/${sessionId}`, { key });
    expect(session.body.media).toEqual([]);
  });

  it("NemoVideo's own size refusal (4002) reads as a size error with the way out", async () => {
    await emulator.configure({ maxUploadBytes: 1_000 });
    const { key, sessionId } = await newSession("en");
    const answer = await upload(key, sessionId, [{ name: "clip.mp4", size: 5_000 }]);
    expect(answer.status).toBe(413);
    expect(answer.body.error.message).toMatch(/compress|trim/i);
  });

  it("the session's media tell the person's uploads from what NemoVideo made, each once", async () => {
    const { key, sessionId } = await newSession("en");
    await upload(key, sessionId, [{ name: "beach.mp4", size: 300_000 }]);
    await emulator.grantCredits(1000);
    await chat(key, sessionId, "generate a video of waves on a beach");
    const { media } = (await call(`/sessions/${sessionId}`, { key })).body;
    expect(media.filter((item: any) => item.made === "uploaded").map((item: any) => item.name)).toEqual(["beach.mp4"]);
    const made = media.filter((item: any) => item.made === "generated");
    expect(made).toHaveLength(1);
    expect(new Set(media.map((item: any) => item.url)).size).toBe(media.length);
  });

  it("media can be added by URL", async () => {
    const { key, sessionId } = await newSession("en");
    const answer = await call(`/sessions/${sessionId}/uploads`, {
      method: "POST",
      key,
      json: { urls: ["https://example.com/media/waves.mp4", "https://example.com/song.mp3"] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.files.map((f: any) => f.kind)).toEqual(["video", "audio"]);
  });

  it("URLs are checked at the edge: bad addresses 400, unsupported formats 415, nothing upstream", async () => {
    const { key, sessionId } = await newSession("en");
    const path = `/sessions/${sessionId}/uploads`;
    expect((await call(path, { method: "POST", key, json: { urls: ["not a url"] } })).status).toBe(400);
    expect((await call(path, { method: "POST", key, json: { urls: ["ftp://example.com/a.mp4"] } })).status).toBe(400);
    expect((await call(path, { method: "POST", key, json: { urls: [] } })).status).toBe(400);
    const many = Array.from({ length: 11 }, (_, i) => `https://example.com/${i}.mp4`);
    expect((await call(path, { method: "POST", key, json: { urls: many } })).status).toBe(400);
    const doc = await call(path, { method: "POST", key, json: { urls: ["https://example.com/report.pdf"] } });
    expect(doc.status).toBe(415);
    expect(await upstreamUploads()).toHaveLength(0);
  });

  it("a body that is neither multipart nor JSON answers 415", async () => {
    const { key, sessionId } = await newSession("en");
    const answer = await call(`/sessions/${sessionId}/uploads`, { method: "POST", key, body: "x", headers: { "Content-Type": "text/plain" } });
    expect(answer.status).toBe(415);
  });
});
