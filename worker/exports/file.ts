import { AppError } from "../errors";
import type { ExportTable } from "./table";
import type { PageAsk } from "../cursor";

/**
 * A finished video's MP4 in our own bucket (`VIDEOS`): NemoVideo's result links are not ours to keep, so each
 * export's file is copied here before the export counts as completed, and served from here with byte ranges.
 */
export const fileKey = (visitorId: string, exportId: string) => `videos/${visitorId}/${exportId}.mp4`;

/**
 * Streams the file `open()` answers into the bucket under `key`, never holding it; answers its size. A copy
 * already there (a step run twice) is kept. A file whose size NemoVideo doesn't say can't be streamed into R2: it
 * is refused, and the export keeps NemoVideo's own link instead.
 */
export async function keepFile(bucket: R2Bucket, key: string, open: () => Promise<Response>): Promise<number | undefined> {
  const kept = await bucket.head(key);
  if (kept) return kept.size;
  const response = await open();
  const length = Number(response.headers.get("Content-Length"));
  if (!response.body || !Number.isSafeInteger(length) || length <= 0) {
    await response.body?.cancel();
    return undefined;
  }
  // R2 wants a stream of known length: a FixedLengthStream gives the bytes on as they come, with it.
  const fixed = new FixedLengthStream(length);
  const piped = response.body.pipeTo(fixed.writable);
  const object = await bucket.put(key, fixed.readable, { httpMetadata: { contentType: "video/mp4" } });
  await piped;
  return object?.size;
}

/** What a request asks of a file: all of it, one byte range of it, or a range it can't have. */
export type Wanted = "whole" | { offset: number; length: number } | "unsatisfiable";

/**
 * The part of a file of `size` bytes a GET asks for in its `Range` header, read as RFC 9110 (§14) says: one range
 * `first-last`, `first-` or `-suffix` of bytes, clipped to the file; "unsatisfiable" for one that starts at or past
 * the end, a zero suffix (`bytes=-0`), a last byte before the first, or a range-set that can't be read; and "whole"
 * where a server may ignore the header: none, another unit, several ranges (we send no multipart answers), or an
 * `If-Range` that is not the file's current `etag`. The header itself never goes further.
 * @example wantedOf("bytes=-100", null, 1000, '"e"') // { offset: 900, length: 100 }
 */
export function wantedOf(range: string | null, ifRange: string | null, size: number, etag: string): Wanted {
  const field = range?.trim().match(/^([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(.*)$/);
  if (!field || field[1].toLowerCase() !== "bytes") return "whole";
  if (ifRange !== null && ifRange.trim() !== etag) return "whole";
  const specs = field[2].split(",").map((spec) => spec.trim()).filter(Boolean);
  if (specs.length > 1) return "whole";
  const spec = /^(\d*)-(\d*)$/.exec(specs[0] ?? "");
  if (!spec || (!spec[1] && !spec[2])) return "unsatisfiable";
  if (!spec[1]) {
    const suffix = Math.min(Number(spec[2]), size);
    return suffix > 0 ? { offset: size - suffix, length: suffix } : "unsatisfiable";
  }
  const first = Number(spec[1]);
  const last = spec[2] ? Number(spec[2]) : Infinity;
  if (last < first || first >= size) return "unsatisfiable";
  return { offset: first, length: Math.min(last, size - 1) - first + 1 };
}

/**
 * The kept MP4 as the answer to `request`: 200 whole, 206 for the byte range it asks (what players seek with), 416
 * for one it can't have (its `Content-Range` gives the size), as `wantedOf` reads it; undefined when the bucket has no
 * such file. `disposition` names a download ("attachment; filename=…").
 * @example await serveFile(env.VIDEOS, key, c.req.raw, 'attachment; filename="fox.mp4"')
 */
export async function serveFile(bucket: R2Bucket, key: string, request: Request, disposition?: string): Promise<Response | undefined> {
  const head = await bucket.head(key);
  if (!head) return undefined;
  const headers = new Headers({
    "Content-Type": "video/mp4",
    "Accept-Ranges": "bytes",
    "Cache-Control": "private, max-age=3600",
    ETag: head.httpEtag,
  });
  if (disposition) headers.set("Content-Disposition", disposition);
  const asked = request.headers;
  const wanted = request.method === "GET" ? wantedOf(asked.get("Range"), asked.get("If-Range"), head.size, head.httpEtag) : "whole";
  if (wanted === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${head.size}`);
    return new Response(null, { status: 416, headers });
  }
  const object = await bucket.get(key, wanted === "whole" ? {} : { range: wanted });
  if (!object) return undefined;
  if (wanted === "whole") {
    headers.set("Content-Length", String(head.size));
    return new Response(object.body, { status: 200, headers });
  }
  headers.set("Content-Length", String(wanted.length));
  headers.set("Content-Range", `bytes ${wanted.offset}-${wanted.offset + wanted.length - 1}/${head.size}`);
  return new Response(object.body, { status: 206, headers });
}

/** A download's `Content-Disposition`, named after the video's title (ASCII for old clients, UTF-8 for the rest). */
export function attachmentNamed(title: string): string {
  const name = `${title.replace(/[\\/:*?"<>|\r\n]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 80) || "video"}.mp4`;
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/"/g, "'");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${extValue(name)}`;
}

/** RFC 8187's value-chars: UTF-8, every byte outside attr-char percent-encoded (encodeURIComponent leaves `'()*` and `!~`; `!~` are attr-chars). */
const extValue = (text: string) =>
  encodeURIComponent(text).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/** No kept file for a completed export: it was deleted (the person's wish) and answers as gone. */
export const fileGone = () => new AppError("not_found", "That video was deleted.");

/** A finished export's file: where it is kept (or, for one finished before files were kept, NemoVideo's). */
export interface FinishedFile {
  renderId: string;
  url?: string;
  fileKey?: string;
  title?: string;
  /** The person deleted the video: nothing is served any more. */
  deleted: boolean;
}

/** What exports offer about their files: the finished ones, where each is, and deleting one. */
export class KeptFiles {
  constructor(
    private readonly table: ExportTable,
    private readonly bucket: R2Bucket,
  ) {}

  /** A completed export's file, or undefined while it is not completed. */
  finished(id: string): FinishedFile | undefined {
    const row = this.table.find(id);
    if (!row || row.status !== "completed") return undefined;
    return { renderId: row.renderId, url: row.url, fileKey: row.fileKey, title: row.title, deleted: row.deletedAt !== undefined };
  }

  /** Every export whose file is kept, newest first (or one page of them). */
  kept(page?: PageAsk) {
    return this.table.withFiles(page);
  }

  /** Deletes a kept file (the person's wish): its export then answers downloads as gone. */
  async drop(id: string): Promise<void> {
    const row = this.table.find(id);
    if (row?.fileKey) await this.bucket.delete(row.fileKey);
    this.table.dropped(id);
  }
}
