/** One part of a multipart body: its headers and how many bytes it had (the bytes themselves are dropped). */
export interface PartSummary {
  name?: string;
  filename?: string;
  contentType?: string;
  bytes: number;
  /** SHA-256 of the part's bytes, hex: what a test compares with what it sent. */
  sha256?: string;
}

/** What the reader saw; `maxBufferedBytes` shows that it kept only a chunk or so in memory at any time. */
export interface MultipartSummary {
  parts: PartSummary[];
  totalBytes: number;
  maxBufferedBytes: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEADER_END = encoder.encode("\r\n\r\n");
const MAX_HEADER_BYTES = 16 * 1024;

/** The boundary of a `multipart/form-data` content type. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  return /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)?.slice(1).find(Boolean);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");

function parseHeaders(block: string): Omit<PartSummary, "bytes"> {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get("content-disposition") ?? "";
  const extended = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition)?.[1];
  const filename = extended ? decodeURIComponent(extended.trim()) : /filename="([^"]*)"/i.exec(disposition)?.[1];
  return { name: /\bname="([^"]*)"/i.exec(disposition)?.[1], filename, contentType: headers.get("content-type") };
}

type State = "preamble" | "after-delimiter" | "headers" | "body" | "done";

/**
 * Reads a multipart body as it streams, counting each part's bytes and keeping none of them: only the current
 * chunk plus a delimiter's length stays in memory, so a 200 MB file passes in constant space.
 */
export async function readMultipart(body: ReadableStream<Uint8Array>, boundary: string, { digests: digesting = true } = {}): Promise<MultipartSummary> {
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const parts: PartSummary[] = [];
  let state = "preamble" as State;
  let current: PartSummary | undefined;
  // A leading CRLF makes the first boundary look like every later one.
  let buffer: Uint8Array = encoder.encode("\r\n");
  let totalBytes = 0;
  let maxBufferedBytes = 0;
  // Each part's bytes go through workerd's native digest as they pass; none of them is kept.
  let digest: { writer: WritableStreamDefaultWriter<Uint8Array>; stream: DigestStream } | undefined;
  const digests: Promise<void>[] = [];
  const endPart = (part: PartSummary) => {
    const open = digest!;
    digest = undefined;
    void open.writer.close();
    digests.push(open.stream.digest.then((bytes) => void (part.sha256 = hex(bytes))));
  };

  /** Moves past one delimiter, header block or stretch of body; false when more bytes are needed. */
  function advance(): boolean {
    if (state === "preamble" || state === "body") {
      const at = indexOf(buffer, delimiter);
      // Without a delimiter, all but its length minus one can go: a delimiter may straddle two chunks.
      const consumed = at === -1 ? Math.max(0, buffer.length - delimiter.length + 1) : at;
      if (current) {
        current.bytes += consumed;
        if (consumed > 0 && digest) void digest.writer.write(buffer.slice(0, consumed));
      }
      if (at === -1) {
        buffer = buffer.slice(consumed);
        return false;
      }
      if (current) {
        parts.push(current);
        if (digest) endPart(current);
      }
      current = undefined;
      buffer = buffer.subarray(at + delimiter.length);
      state = "after-delimiter";
      return true;
    }
    if (state === "after-delimiter") {
      if (buffer.length < 2) return false;
      if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
        state = "done";
        return false;
      }
      const lineEnd = indexOf(buffer, HEADER_END.subarray(0, 2));
      if (lineEnd === -1) return false;
      buffer = buffer.subarray(lineEnd + 2);
      state = "headers";
      return true;
    }
    if (state === "headers") {
      const empty = buffer[0] === 0x0d && buffer[1] === 0x0a;
      const end = empty ? 0 : indexOf(buffer, HEADER_END);
      if (end === -1) {
        if (buffer.length > MAX_HEADER_BYTES) throw new Error("multipart part headers too long");
        return false;
      }
      current = { ...parseHeaders(decoder.decode(buffer.subarray(0, end))), bytes: 0 };
      if (digesting) {
        const stream = new (crypto as unknown as { DigestStream: typeof DigestStream }).DigestStream("SHA-256");
        digest = { writer: stream.getWriter(), stream };
      }
      buffer = buffer.subarray(empty ? 2 : end + HEADER_END.length);
      state = "body";
      return true;
    }
    return false;
  }

  const reader = body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    totalBytes += chunk.value.byteLength;
    if (state === "done") continue;
    buffer = concat(buffer, chunk.value);
    maxBufferedBytes = Math.max(maxBufferedBytes, buffer.byteLength);
    while (advance());
  }
  if (state !== "done") throw new Error("multipart body ended before its closing boundary");
  await Promise.all(digests);
  return { parts, totalBytes, maxBufferedBytes };
}
