import { AppError, notFound, RETRY_SOON_MS } from "../errors";
import { mediaTypeOf } from "../nemo/formats";
import type { Held, Reservation } from "../reservations";
import type { Scope } from "../scope";
import type { Sessions } from "../sessions/sessions";
import type { UploadedPart, UploadRecord } from "./schema";
import { UploadTable } from "./table";

/** An upload with no `complete` after this long is given up: its parts in R2 are deleted (R2's own rule is 7 days). */
export const ABANDONED_AFTER_MS = 24 * 3600_000;
const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * The visitor's uploads, inside its Durable Object: which parts of each large one have arrived in R2 (R2 does not
 * list a multipart upload's parts for us), and how many of every kind may be on their way at once. The bytes never
 * pass through here; the Worker streams them to R2 or NemoVideo.
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
   * Opens a resumable upload into the session: refused while `UPLOADS_AT_ONCE` are on their way (resumable ones,
   * and files being sent in one request), or when it would bring those on their way over `UPLOAD_BYTES_AT_ONCE`.
   */
  async start(visitorId: string, sessionId: string, file: { name: string; size: number }): Promise<UploadRecord> {
    this.sessions.read(sessionId);
    const reservation = this.reserve(file.size);
    try {
      const id = crypto.randomUUID();
      const r2Key = `uploads/${visitorId}/${id}`;
      const multipart = await this.scope.env.UPLOADS.createMultipartUpload(r2Key, {
        httpMetadata: { contentType: mediaTypeOf(file.name) },
      });
      const upload: UploadRecord = {
        id,
        sessionId,
        ...file,
        partSize: this.scope.config.UPLOAD_PART_BYTES,
        r2Key,
        r2UploadId: multipart.uploadId,
        createdAt: Date.now(),
      };
      this.table.add(upload);
      reservation.confirm();
      return upload;
    } finally {
      reservation.release();
    }
  }

  /**
   * A file sent in one request (`bytes` as declared, 0 for addresses NemoVideo fetches) takes a place among the
   * uploads at once before its body is read. The Worker streaming it renews the place while it runs (`keepDirect`)
   * and gives it back at the end (`endDirect`); one whose Worker was cut off lapses after `lifeMs`.
   */
  startDirect(sessionId: string, bytes: number): { reservationId: string; lifeMs: number } {
    this.sessions.read(sessionId);
    const lifeMs = this.directLifeMs;
    return { reservationId: this.reserve(bytes, lifeMs).id, lifeMs };
  }

  keepDirect(reservationId: string): boolean {
    return this.scope.reservations.renew(reservationId, this.directLifeMs);
  }

  endDirect(reservationId: string): void {
    this.scope.reservations.release(reservationId);
  }

  /** A resumable upload with the parts that have arrived, or 404. */
  read(id: string): UploadRecord & { parts: UploadedPart[] } {
    const upload = this.table.find(id);
    if (!upload) throw notFound("That upload");
    return upload;
  }

  /** Idempotent: a part sent again replaces the one before. */
  recordPart(id: string, part: UploadedPart): void {
    this.table.recordPart(id, part);
  }

  /** The upload is over (its file sent to NemoVideo, or given up): its parts and the assembled file go from R2. */
  async end(id: string): Promise<void> {
    await this.discard(this.read(id));
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

  /** Twice the longest a file's body may keep its next bytes waiting: the Worker renews it at half that. */
  private get directLifeMs() {
    return 2 * this.scope.config.UPLOAD_STALL_MS;
  }

  private reserve(bytes: number, lifeMs?: number): Reservation {
    return this.scope.reservations.reserve("upload", (onTheirWay) => this.refusal(onTheirWay, bytes), { bytes, lifeMs });
  }

  /** Why a file of `bytes` can't start now, with resumable uploads open and others (`reserved`) on their way. */
  private refusal(reserved: Held[], bytes: number, now = Date.now()): AppError | undefined {
    const { UPLOADS_AT_ONCE, UPLOAD_BYTES_AT_ONCE } = this.scope.config;
    const open = this.table.all();
    const count = open.length + reserved.length;
    const total = [...open.map((upload) => upload.size), ...reserved.map((each) => each.bytes)].reduce((sum, size) => sum + size, 0);
    if (count < UPLOADS_AT_ONCE && total + bytes <= UPLOAD_BYTES_AT_ONCE) return undefined;
    // The soonest a place may free: a file on its way in one request any moment; a resumable one left alone, in a day.
    const frees = [...open.map((upload) => upload.createdAt + ABANDONED_AFTER_MS), ...reserved.map(() => now + RETRY_SOON_MS)];
    return new AppError(
      "rate_limited",
      `You already have ${count} upload${count === 1 ? "" : "s"} on the way (${megabytes(total)} MB); at most ${UPLOADS_AT_ONCE} and ${megabytes(UPLOAD_BYTES_AT_ONCE)} MB at once. Finish or cancel one, then send this file.`,
      undefined,
      frees.length ? Math.min(...frees) : undefined,
    );
  }

  private async discard(upload: UploadRecord): Promise<void> {
    const bucket = this.scope.env.UPLOADS;
    await bucket.resumeMultipartUpload(upload.r2Key, upload.r2UploadId).abort().catch(() => {});
    await bucket.delete(upload.r2Key);
    this.table.remove(upload.id);
  }
}
