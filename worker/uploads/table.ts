import type { UploadedPart, UploadRecord } from "./schema";
import { migrate } from "../migrations";

/**
 * The visitor's large uploads in its Durable Object's SQLite: R2 does not list a multipart upload's parts for us.
 * No other file reads or writes these tables.
 */
export class UploadTable {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, "uploads", [`
      CREATE TABLE IF NOT EXISTS uploads (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, name TEXT NOT NULL,
        size INTEGER NOT NULL, part_size INTEGER NOT NULL, r2_key TEXT NOT NULL, r2_upload_id TEXT NOT NULL,
        created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS upload_parts (upload_id TEXT NOT NULL, part_number INTEGER NOT NULL,
        etag TEXT NOT NULL, PRIMARY KEY (upload_id, part_number));
    `]);
  }

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

  /** Every upload on its way in, oldest first. */
  all(): UploadRecord[] {
    return this.sql
      .exec("SELECT id FROM uploads ORDER BY created_at")
      .toArray()
      .map((row) => this.find(String(row.id))!);
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
