import { AppError } from "../errors";
import type { ExportTable } from "./table";

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

/** The byte range a `Range` header asks of a file of `size` bytes, in R2's terms; "whole", or undefined when unsatisfiable. */
function rangeOf(header: string | undefined, size: number): R2Range | "whole" | undefined {
  const match = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (!match[1] && !match[2])) return "whole";
  if (!match[1]) return { suffix: Math.min(Number(match[2]), size) };
  const offset = Number(match[1]);
  if (offset >= size) return undefined;
  const end = match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
  return end < offset ? undefined : { offset, length: end - offset + 1 };
}

/**
 * The kept MP4 as an answer: 200 whole, 206 for a byte range (what players seek with), 416 for one past the end;
 * undefined when the bucket has no such file. `disposition` names a download ("attachment; filename=…").
 * @example await serveFile(env.VIDEOS, key, c.req.header("Range"), 'attachment; filename="fox.mp4"')
 */
export async function serveFile(bucket: R2Bucket, key: string, rangeHeader?: string, disposition?: string): Promise<Response | undefined> {
  const head = await bucket.head(key);
  if (!head) return undefined;
  const headers = new Headers({ "Content-Type": "video/mp4", "Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600" });
  if (disposition) headers.set("Content-Disposition", disposition);
  const range = rangeOf(rangeHeader, head.size);
  if (!range) {
    headers.set("Content-Range", `bytes */${head.size}`);
    return new Response(null, { status: 416, headers });
  }
  const object = await bucket.get(key, range === "whole" ? {} : { range });
  if (!object) return undefined;
  if (range === "whole") {
    headers.set("Content-Length", String(head.size));
    return new Response(object.body, { status: 200, headers });
  }
  const offset = "suffix" in range ? head.size - range.suffix : range.offset!;
  const length = "suffix" in range ? range.suffix : range.length!;
  headers.set("Content-Length", String(length));
  headers.set("Content-Range", `bytes ${offset}-${offset + length - 1}/${head.size}`);
  return new Response(object.body, { status: 206, headers });
}

/** A download's `Content-Disposition`, named after the video's title (ASCII for old clients, UTF-8 for the rest). */
export function attachmentNamed(title: string): string {
  const name = `${title.replace(/[\\/:*?"<>|\r\n]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 80) || "video"}.mp4`;
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/"/g, "'");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

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

  /** Every export whose file is kept, newest first. */
  kept() {
    return this.table.withFiles();
  }

  /** Deletes a kept file (the person's wish): its export then answers downloads as gone. */
  async drop(id: string): Promise<void> {
    const row = this.table.find(id);
    if (row?.fileKey) await this.bucket.delete(row.fileKey);
    this.table.dropped(id);
  }
}
