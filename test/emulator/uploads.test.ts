import { beforeEach, describe, expect, it } from "vitest";
import { authed, configure, control, json, newSession, reset, stateOf } from "./helpers";

const BOUNDARY = "----promptreel-test-boundary";
const encoder = new TextEncoder();

/** A multipart body of `files` parts (name, size) and one ordinary field, as a string. */
function multipart(files: { name: string; size: number }[]): string {
  const parts = files.map(
    ({ name, size }) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n${"x".repeat(size)}\r\n`,
  );
  return `${parts.join("")}--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${BOUNDARY}--\r\n`;
}

const upload = (token: string, sessionId: string, body: BodyInit | object, type = `multipart/form-data; boundary=${BOUNDARY}`) =>
  authed(token, `/api/upload-video/nemo_agent/me/${sessionId}`, {
    method: "POST",
    headers: typeof body === "string" || body instanceof ReadableStream ? { "content-type": type } : {},
    body,
  });

beforeEach(reset);

describe("uploads", () => {
  it("accepts multipart files, describes them and adds them to the session's video_infos", async () => {
    const { token, sessionId } = await newSession();
    const files = [
      { name: "holiday.MP4", size: 3000 },
      { name: "cover.png", size: 10 },
      { name: "song.m4a", size: 20 },
    ];
    const body = await json(upload(token, sessionId, multipart(files)));
    expect(body.code).toBe(0);
    expect(body.data.session_state_applied).toBe(true);
    expect(body.data.files.map((file: { file_type: string }) => file.file_type)).toEqual(["video", "image", "audio"]);
    expect(body.data.files[0]).toEqual({
      filename: "holiday.MP4",
      file_type: "video",
      cdn_url: expect.stringMatching(/^http:\/\/nemo\.emulator\/user-upload\/\w+\/holiday\.MP4$/),
      duration: expect.any(Number),
      width: expect.any(Number),
      height: expect.any(Number),
      fps: expect.any(Number),
      hash: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const { uploads } = await control("uploads");
    expect(uploads[0].files).toEqual(files.map(({ name, size }) => ({ filename: name, bytes: size, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })));
    const state = await stateOf(token, sessionId);
    expect(state.video_infos.map((info: { filename: string }) => info.filename)).toEqual(files.map((f) => f.name));
  });

  it("accepts URLs, naming the file from the URL path", async () => {
    const { token, sessionId } = await newSession();
    const body = await json(
      upload(token, sessionId, { urls: ["https://example.com/media/My%20Photo.JPG?x=1"], source_type: "url" }),
    );
    expect(body.data.files[0]).toMatchObject({ filename: "My Photo.JPG", file_type: "image", duration: null });
  });

  it("refuses an unsupported format with 4001", async () => {
    const { token, sessionId } = await newSession();
    const response = await upload(token, sessionId, multipart([{ name: "notes.txt", size: 5 }]));
    expect(response.status).toBe(415);
    expect((await json(response)).code).toBe(4001);
    const byUrl = await json(upload(token, sessionId, { urls: ["https://example.com/download"], source_type: "url" }));
    expect(byUrl.code).toBe(4001);
  });

  it("refuses a file over the size limit with 4002", async () => {
    const { token, sessionId } = await newSession();
    await configure({ maxUploadBytes: 1000 });
    const response = await upload(token, sessionId, multipart([{ name: "a.mp4", size: 1000 }, { name: "b.mp4", size: 1001 }]));
    expect(response.status).toBe(413);
    expect(await json(response)).toEqual({ code: 4002, message: "file too large: b.mp4" });
  });

  it("streams a 200 MB file through without buffering it", async () => {
    const { token, sessionId } = await newSession();
    const size = 200 * 1024 * 1024;
    const chunk = 256 * 1024;
    const head = encoder.encode(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const tail = encoder.encode(`\r\n--${BOUNDARY}--\r\n`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(head),
      pull(controller) {
        if (sent >= size) {
          controller.enqueue(tail);
          controller.close();
          return;
        }
        const length = Math.min(chunk, size - sent);
        controller.enqueue(new Uint8Array(length));
        sent += length;
      },
    });
    const response = await upload(token, sessionId, body);
    expect((await json(response)).data.files[0].filename).toBe("big.mp4");
    const { uploads } = await control("uploads");
    expect(uploads[0].files).toEqual([{ filename: "big.mp4", bytes: size, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(uploads[0].totalBytes).toBe(head.byteLength + size + tail.byteLength);
    // At most a chunk or two was ever held: the file itself was never buffered.
    expect(uploads[0].maxBufferedBytes).toBeLessThan(1024 * 1024);
  });

  it("answers 400 to a body that is neither multipart nor JSON, and 1002 for an unknown session", async () => {
    const { token, sessionId } = await newSession();
    expect((await upload(token, sessionId, "hello", "text/plain")).status).toBe(400);
    expect((await json(upload(token, "1234567890123456789", multipart([{ name: "a.mp4", size: 1 }])))).code).toBe(1002);
  });
});
