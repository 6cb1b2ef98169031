import { z } from "zod";

/** A large upload on its way in, in parts, to R2; sent to NemoVideo once every part has arrived. */
export const UploadRecord = z.object({
  id: z.string(),
  sessionId: z.string(),
  name: z.string(),
  size: z.number(),
  partSize: z.number(),
  r2Key: z.string(),
  r2UploadId: z.string(),
  createdAt: z.number(),
});
export type UploadRecord = z.infer<typeof UploadRecord>;
export interface UploadedPart {
  partNumber: number;
  etag: string;
}

export const partCount = (upload: Pick<UploadRecord, "size" | "partSize">) => Math.max(1, Math.ceil(upload.size / upload.partSize));

/** The byte count part `n` must have: every part is `partSize` but the last. */
export const partLength = (upload: Pick<UploadRecord, "size" | "partSize">, n: number) =>
  n < partCount(upload) ? upload.partSize : upload.size - upload.partSize * (partCount(upload) - 1);

export const UPLOAD_TABLES = `
  CREATE TABLE IF NOT EXISTS uploads (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, name TEXT NOT NULL,
    size INTEGER NOT NULL, part_size INTEGER NOT NULL, r2_key TEXT NOT NULL, r2_upload_id TEXT NOT NULL,
    created_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS upload_parts (upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, etag TEXT NOT NULL,
    PRIMARY KEY (upload_id, part_number));
`;

/** The visitor's uploads in its Durable Object's SQLite: R2 does not list a multipart upload's parts for us. */
export class UploadTable {
  constructor(private readonly sql: SqlStorage) {}

  add(upload: UploadRecord): void {
    this.sql.exec(
      "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      upload.id,
      upload.sessionId,
      upload.name,
      upload.size,
      upload.partSize,
      upload.r2Key,
      upload.r2UploadId,
      upload.createdAt,
    );
  }

  find(id: string): (UploadRecord & { parts: UploadedPart[] }) | null {
    const [row] = this.sql.exec("SELECT * FROM uploads WHERE id = ?", id).toArray();
    if (!row) return null;
    const parts = this.sql
      .exec("SELECT part_number, etag FROM upload_parts WHERE upload_id = ? ORDER BY part_number", id)
      .toArray()
      .map((part) => ({ partNumber: Number(part.part_number), etag: String(part.etag) }));
    return {
      id: String(row.id),
      sessionId: String(row.session_id),
      name: String(row.name),
      size: Number(row.size),
      partSize: Number(row.part_size),
      r2Key: String(row.r2_key),
      r2UploadId: String(row.r2_upload_id),
      createdAt: Number(row.created_at),
      parts,
    };
  }

  /** Idempotent: a part sent again replaces the one before. */
  recordPart(id: string, part: UploadedPart): void {
    this.sql.exec("INSERT OR REPLACE INTO upload_parts VALUES (?, ?, ?)", id, part.partNumber, part.etag);
  }

  remove(id: string): void {
    this.sql.exec("DELETE FROM upload_parts WHERE upload_id = ?", id);
    this.sql.exec("DELETE FROM uploads WHERE id = ?", id);
  }
}
