import { AppError, notFound } from "../errors";
import { mediaTypeOf } from "../nemo/formats";
import type { Scope } from "../scope";
import type { Sessions } from "../sessions/sessions";
import type { UploadedPart, UploadRecord } from "./schema";
import { UploadTable } from "./table";

/** An upload with no `complete` after this long is given up: its parts in R2 are deleted (R2's own rule is 7 days). */
export const ABANDONED_AFTER_MS = 24 * 3600_000;
const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * The visitor's large uploads, inside its Durable Object: which parts of each have arrived in R2 (R2 does not
 * list a multipart upload's parts for us), and how many may be on their way at once. The bytes never pass through
 * here; the Worker streams them to R2.
 */
export class Uploads {
  private readonly table: UploadTable;

  constructor(
    private readonly scope: Scope,
    private readonly sessions: Sessions,
  ) {
    this.table = new UploadTable(scope.sql);
  }

  /**
   * Opens a resumable upload into the session: refused while `UPLOADS_AT_ONCE` are on their way, or when it would
   * bring those on their way over `UPLOAD_BYTES_AT_ONCE`.
   */
  async start(visitorId: string, sessionId: string, file: { name: string; size: number }): Promise<UploadRecord> {
    if (!this.sessions.find(sessionId)) throw notFound("That session");
    const { UPLOADS_AT_ONCE, UPLOAD_BYTES_AT_ONCE, UPLOAD_PART_BYTES } = this.scope.config;
    const open = this.table.all();
    const bytes = open.reduce((sum, upload) => sum + upload.size, 0);
    if (open.length >= UPLOADS_AT_ONCE || bytes + file.size > UPLOAD_BYTES_AT_ONCE)
      throw new AppError(
        "rate_limited",
        `You already have ${open.length} upload${open.length === 1 ? "" : "s"} on the way (${megabytes(bytes)} MB); at most ${UPLOADS_AT_ONCE} and ${megabytes(UPLOAD_BYTES_AT_ONCE)} MB at once. Finish or cancel one, then send this file.`,
        undefined,
        open.length ? open[0].createdAt + ABANDONED_AFTER_MS : undefined,
      );
    const id = crypto.randomUUID();
    const r2Key = `uploads/${visitorId}/${id}`;
    const multipart = await this.scope.env.UPLOADS.createMultipartUpload(r2Key, {
      httpMetadata: { contentType: mediaTypeOf(file.name) },
    });
    const upload: UploadRecord = {
      id,
      sessionId,
      ...file,
      partSize: UPLOAD_PART_BYTES,
      r2Key,
      r2UploadId: multipart.uploadId,
      createdAt: Date.now(),
    };
    this.table.add(upload);
    return upload;
  }

  find(id: string): (UploadRecord & { parts: UploadedPart[] }) | null {
    return this.table.find(id);
  }

  /** Idempotent: a part sent again replaces the one before. */
  recordPart(id: string, part: UploadedPart): void {
    this.table.recordPart(id, part);
  }

  remove(id: string): void {
    this.table.remove(id);
  }

  /** Gives up the uploads abandoned for a day, and those of sessions that are gone: their parts in R2 go too. */
  async sweep(sessionIds: Set<string>, now = Date.now()): Promise<void> {
    for (const upload of this.table.all())
      if (upload.createdAt < now - ABANDONED_AFTER_MS || !sessionIds.has(upload.sessionId)) await this.discard(upload);
  }

  /** The visitor asked to be forgotten: every upload and its parts go. */
  async forget(): Promise<void> {
    for (const upload of this.table.all()) await this.discard(upload);
  }

  private async discard(upload: UploadRecord): Promise<void> {
    const bucket = this.scope.env.UPLOADS;
    await bucket.resumeMultipartUpload(upload.r2Key, upload.r2UploadId).abort().catch(() => {});
    await bucket.delete(upload.r2Key);
    this.table.remove(upload.id);
  }
}
