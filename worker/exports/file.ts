import { AppError, notFound } from "../errors";
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

/** No kept file for a completed export: it was deleted (the person's wish) and answers as gone. */
const fileGone = () => new AppError("not_found", "That video was deleted.");

/** A finished export's file: where it is kept (or, for one finished before files were kept, NemoVideo's). */
export interface FinishedFile {
  renderId: string;
  url?: string;
  fileKey?: string;
  title?: string;
}

/** What exports offer about their files: the finished ones, where each is, and deleting one. */
export class KeptFiles {
  constructor(
    private readonly table: ExportTable,
    private readonly bucket: R2Bucket,
  ) {}

  /** A completed export's file: 404 for no such export or a deleted video, 409 while it is not completed. */
  finished(id: string): FinishedFile {
    const row = this.table.find(id);
    if (!row) throw notFound("That export");
    if (row.status !== "completed")
      throw new AppError("export_not_ready", "This export has not finished yet: follow its progress, then download it.");
    if (row.deletedAt !== undefined) throw fileGone();
    return { renderId: row.renderId, url: row.url, fileKey: row.fileKey, title: row.title };
  }

  /** One page of the exports whose file is kept, newest first. */
  kept(page: PageAsk, except?: string[]) {
    return this.table.withFiles(page, except);
  }

  /** One export whose file is kept, by id (undefined for any other). */
  keptOne(id: string) {
    const row = this.table.find(id);
    return row?.fileKey ? row : undefined;
  }

  /** Deletes a kept file (the person's wish): its export then answers downloads as gone. */
  async drop(id: string): Promise<void> {
    const row = this.table.find(id);
    if (row?.fileKey) await this.bucket.delete(row.fileKey);
    this.table.dropped(id);
  }
}
