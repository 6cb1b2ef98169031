import { describe, expect, it } from "vitest";
import { boundaryOf, readMultipart } from "../../emulator/multipart";

const BOUNDARY = "xYz";
const encoder = new TextEncoder();

/** A stream of `text`'s bytes in chunks of `size`. */
function chunked(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

// File content that looks like a delimiter but is not one.
const TRICKY = "ab\r\n--xY\r\n-\r\n--xYy";
const BODY =
  "preamble to ignore\r\n" +
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n${TRICKY}\r\n` +
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename*=UTF-8''%E6%97%A5%E8%90%BD.png\r\n\r\n\r\n` +
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n` +
  `--${BOUNDARY}--\r\nepilogue`;

const sha256 = async (text: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)))].map((byte) => byte.toString(16).padStart(2, "0")).join("");

describe("the streaming multipart reader", () => {
  it("finds the same parts, sizes and bytes whatever the chunking", async () => {
    for (const size of [1, 2, 3, 7, 64, 4096]) {
      const summary = await readMultipart(chunked(BODY, size), BOUNDARY);
      expect(summary.parts).toEqual([
        { name: "files", filename: "a.mp4", contentType: "video/mp4", bytes: encoder.encode(TRICKY).length, sha256: await sha256(TRICKY) },
        { name: "files", filename: "日落.png", contentType: undefined, bytes: 0, sha256: await sha256("") },
        { name: "note", filename: undefined, contentType: undefined, bytes: 2, sha256: await sha256("hi") },
      ]);
      expect(summary.totalBytes).toBe(encoder.encode(BODY).length);
    }
  });

  it("refuses a body without its closing boundary", async () => {
    await expect(readMultipart(chunked(BODY.slice(0, 150), 16), BOUNDARY)).rejects.toThrow(/closing boundary/);
  });

  it("reads the boundary of a content type, quoted or not", () => {
    expect(boundaryOf("multipart/form-data; boundary=abc")).toBe("abc");
    expect(boundaryOf('multipart/form-data; boundary="a b"; charset=utf-8')).toBe("a b");
    expect(boundaryOf("application/json")).toBeUndefined();
  });
});
