// A multipart upload checked as it streams (worker/uploads/multipart.ts).
import { describe, expect, it } from "vitest";
import { appErrorOf } from "../helpers";
import { FORMATS_SENTENCE } from "../../worker/nemo/formats";
import { inspectMultipart } from "../../worker/uploads/multipart";
import { chunked, readAll } from "../streams";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe("checking a multipart upload as it streams", () => {
  const BOUNDARY = "----PromptReelBoundary7MA4YWxk";
  const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
  interface Part {
    field?: string;
    filename: string;
    content: string;
  }
  const multipart = (parts: Part[], { closed = true } = {}) =>
    encoder.encode(
      parts
        .map(
          ({ field = "files", filename, content }) =>
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
            `Content-Type: application/octet-stream\r\n\r\n${content}\r\n`,
        )
        .join("") + (closed ? `--${BOUNDARY}--\r\n` : ""),
    );
  const clip: Part = { filename: "clip.mp4", content: "MP4-BYTES-".repeat(20) };
  const song: Part = { filename: "song.mp3", content: "ID3-BYTES-".repeat(10) };
  const LIMIT = 1024;
  // The product's: these bodies never keep the reader waiting.
  const STALL_MS = 30_000;

  it("passes a valid body through byte for byte and names its files", async () => {
    const bytes = multipart([clip, song]);
    const inspected = await inspectMultipart(chunked(bytes, 13), CONTENT_TYPE, LIMIT, STALL_MS);
    const out = await readAll(inspected.body);
    const joined = new Uint8Array(out.reduce((n, chunk) => n + chunk.length, 0));
    out.reduce((offset, chunk) => (joined.set(chunk, offset), offset + chunk.length), 0);
    expect(joined).toEqual(bytes);
    expect(inspected.files).toEqual(["clip.mp4", "song.mp3"]);
    expect(inspected.failure()).toBeUndefined();
  });

  it("refuses a first file of the wrong type before returning anything, and stops reading the request", async () => {
    let cancelled = false;
    const bytes = multipart([{ filename: "notes.txt", content: "hello" }, clip]);
    const error = await appErrorOf(inspectMultipart(chunked(bytes, 16, () => (cancelled = true)), CONTENT_TYPE, LIMIT, STALL_MS));
    expect(error.code).toBe("unsupported_format");
    expect(error.message).toContain('"notes.txt"');
    expect(error.message).toContain(FORMATS_SENTENCE);
    expect(cancelled).toBe(true);
  });

  it("refuses files sent in a field other than `files`", async () => {
    const error = await appErrorOf(inspectMultipart(chunked(multipart([{ ...clip, field: "file" }]), 16), CONTENT_TYPE, LIMIT, STALL_MS));
    expect(error.code).toBe("invalid_request");
    expect(error.message).toContain("`files`");
  });

  /** Inspects `bytes` arriving in `size`-byte pieces and forwards the body as far as it goes. */
  async function forward(bytes: Uint8Array, size: number) {
    const inspected = await inspectMultipart(chunked(bytes, size), CONTENT_TYPE, LIMIT, STALL_MS);
    const sent: string[] = [];
    const outcome = inspected.body.pipeTo(new WritableStream({ write: (chunk) => void sent.push(decoder.decode(chunk)) }));
    return { inspected, outcome, sent: () => sent.join("") };
  }
  const secret = "PLAIN-TEXT-NEVER-SENT";
  const laterBadPart = multipart([clip, { filename: "notes.txt", content: secret }]);

  it("stops the stream at a later file of the wrong type, before its bytes go out, and says why", async () => {
    const { inspected, outcome, sent } = await forward(laterBadPart, 64);
    expect(inspected.files).toEqual(["clip.mp4"]);
    const error = await appErrorOf(outcome);
    expect(error.code).toBe("unsupported_format");
    expect(error.message).toContain('"notes.txt"');
    expect(inspected.failure()).toBe(error);
    expect(sent()).toContain("MP4-BYTES-");
    expect(sent()).not.toContain(secret);
  });

  it("keeps a later wrong file's bytes back even when the request arrives in pieces smaller than the boundary", async () => {
    const { inspected, outcome, sent } = await forward(laterBadPart, 16);
    expect((await appErrorOf(outcome)).code).toBe("unsupported_format");
    expect(inspected.failure()?.code).toBe("unsupported_format");
    expect(sent()).not.toContain(secret);
  });

  it("refuses a file over the size limit", async () => {
    const big: Part = { filename: "big.mp4", content: "x".repeat(LIMIT + 1) };
    const work = inspectMultipart(chunked(multipart([big]), 64), CONTENT_TYPE, LIMIT, STALL_MS).then((inspected) => readAll(inspected.body));
    const error = await appErrorOf(work);
    expect(error.code).toBe("file_too_large");
  });

  it("refuses a body that ends before its closing boundary", async () => {
    const bytes = multipart([clip, song], { closed: false });
    const truncated = bytes.subarray(0, bytes.length - 30);
    const inspected = await inspectMultipart(chunked(truncated, 16), CONTENT_TYPE, LIMIT, STALL_MS);
    const error = await appErrorOf(readAll(inspected.body));
    expect(error.code).toBe("invalid_request");
    expect(inspected.failure()).toBe(error);
  });

  it("refuses a body without any file", async () => {
    const empty = encoder.encode(`--${BOUNDARY}--\r\n`);
    const error = await appErrorOf(inspectMultipart(chunked(empty, 16), CONTENT_TYPE, LIMIT, STALL_MS));
    expect(error.code).toBe("invalid_request");
  });
});
