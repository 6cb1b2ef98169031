import type { ExportRecord, JobError } from "./schema";
import { type ExportStatus, FINAL_EXPORT_STATUSES } from "./statuses";
import { KEYSET_SQL, keysetValues, type PageAsk } from "../cursor";
import { columnsOf, migrate } from "../migrations";

/** An export as it is stored: the record, and what only the job itself needs. */
export interface ExportRow extends ExportRecord {
  renderId: string;
  format: string;
  quality: string;
  submissions: number;
  failures: number;
  /** When NemoVideo last said how the render is doing (its answer to the submission, then each poll's). */
  lookedAt: number;
  /** What the draft said of the video: its title and frame, and its length (the render's own, once it says). */
  title?: string;
  durationS?: number;
  width?: number;
  height?: number;
  /** Where the finished file is in our bucket (exports/file.ts), while it is kept there. */
  fileKey?: string;
  /** When the person deleted the video. */
  deletedAt?: number;
  /** The API's address when the export was asked for: its links are absolute. */
  origin?: string;
}

/** Columns added before versions, each with its type: the first step adds them to a table made without them. */
const ADDED = { title: "TEXT", duration_s: "REAL", width: "INTEGER", height: "INTEGER", file_key: "TEXT", deleted_at: "INTEGER", origin: "TEXT" };

const FINAL = JSON.stringify(FINAL_EXPORT_STATUSES);

/** The visitor's exports in its Durable Object's SQLite. No other file reads or writes this table. */
export class ExportTable {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, "exports", [
      (sql) => {
        sql.exec(`
          CREATE TABLE IF NOT EXISTS exports (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, render_id TEXT NOT NULL,
            status TEXT NOT NULL, progress INTEGER NOT NULL, url TEXT, error TEXT, format TEXT NOT NULL,
            quality TEXT NOT NULL, submissions INTEGER NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL, looked_at INTEGER NOT NULL, completed_at INTEGER);
          CREATE INDEX IF NOT EXISTS exports_by_session ON exports (session_id, created_at);
        `);
        // Tables made before the schedule looked at the last poll kept the submission's time and progress instead.
        const columns = columnsOf(sql, "exports");
        if (columns.includes("submitted_at"))
          sql.exec("ALTER TABLE exports RENAME COLUMN submitted_at TO looked_at; ALTER TABLE exports DROP COLUMN start_progress");
        for (const [name, type] of Object.entries(ADDED)) if (!columns.includes(name)) sql.exec(`ALTER TABLE exports ADD COLUMN ${name} ${type}`);
      },
    ]);
  }

  insert(row: ExportRow): void {
    this.sql.exec(
      `INSERT INTO exports (id, session_id, render_id, status, progress, format, quality, submissions, created_at,
        looked_at, title, duration_s, width, height, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.exportId,
      row.sessionId,
      row.renderId,
      row.status,
      row.progress,
      row.format,
      row.quality,
      row.submissions,
      row.createdAt,
      row.lookedAt,
      row.title ?? null,
      row.durationS ?? null,
      row.width ?? null,
      row.height ?? null,
      row.origin ?? null,
    );
  }

  /** The finished file is in our bucket (and the render said how long it is). */
  kept(id: string, fileKey: string, durationS?: number): void {
    this.sql.exec("UPDATE exports SET file_key = ?, duration_s = COALESCE(?, duration_s) WHERE id = ?", fileKey, durationS ?? null, id);
  }

  /** Its file is no longer ours to serve (deleted at the person's wish). */
  dropped(id: string): void {
    this.sql.exec("UPDATE exports SET file_key = NULL, deleted_at = ? WHERE id = ?", Date.now(), id);
  }

  /** One page of the exports whose file is kept, newest first (and the next page's first), but those in `except`. */
  withFiles(page: PageAsk, except: string[] = []): ExportRow[] {
    return this.sql
      .exec(`SELECT * FROM exports WHERE file_key IS NOT NULL AND id NOT IN (SELECT value FROM json_each(?)) AND ${KEYSET_SQL}`, JSON.stringify(except), ...keysetValues(page))
      .toArray()
      .map(toRow);
  }

  find(id: string): ExportRow | undefined {
    const [row] = this.sql.exec("SELECT * FROM exports WHERE id = ?", id).toArray();
    return row ? toRow(row) : undefined;
  }

  /** The session's newest export that has not ended. */
  runningIn(sessionId: string): ExportRow | undefined {
    const [row] = this.sql
      .exec(
        "SELECT * FROM exports WHERE session_id = ? AND status NOT IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC LIMIT 1",
        sessionId,
        FINAL,
      )
      .toArray();
    return row ? toRow(row) : undefined;
  }

  /** How many exports have not ended. */
  runningCount(): number {
    return Number(
      this.sql.exec("SELECT COUNT(*) AS n FROM exports WHERE status NOT IN (SELECT value FROM json_each(?))", FINAL).one().n,
    );
  }

  /** The renders still running, for the visitor who asked to be forgotten. */
  runningRenders(): string[] {
    return this.sql
      .exec("SELECT render_id FROM exports WHERE status NOT IN (SELECT value FROM json_each(?))", FINAL)
      .toArray()
      .map((row) => String(row.render_id));
  }

  deleteAll(): void {
    this.sql.exec("DELETE FROM exports");
  }

  /** Every export, newest first. */
  list(): ExportRow[] {
    return this.sql.exec("SELECT * FROM exports ORDER BY created_at DESC").toArray().map(toRow);
  }

  /** One page of the exports of the sessions `sessionIds`, newest first (and the next page's first). */
  pageIn(sessionIds: Set<string>, ask: PageAsk): ExportRow[] {
    return this.sql
      .exec(`SELECT * FROM exports WHERE session_id IN (SELECT value FROM json_each(?)) AND ${KEYSET_SQL}`, JSON.stringify([...sessionIds]), ...keysetValues(ask))
      .toArray()
      .map(toRow);
  }

  setFailures(id: string, failures: number): void {
    this.sql.exec("UPDATE exports SET failures = ? WHERE id = ?", failures, id);
  }

  /** What a poll said, and when. */
  setProgress(id: string, status: ExportStatus, progress: number, lookedAt: number): void {
    this.sql.exec("UPDATE exports SET status = ?, progress = ?, looked_at = ? WHERE id = ?", status, progress, lookedAt, id);
  }

  /** A render submitted again under a new id. */
  resubmitted(id: string, renderId: string, status: ExportStatus, progress: number, lookedAt: number): void {
    this.sql.exec(
      "UPDATE exports SET render_id = ?, submissions = submissions + 1, status = ?, progress = ?, looked_at = ? WHERE id = ?",
      renderId,
      status,
      progress,
      lookedAt,
      id,
    );
  }

  end(id: string, change: { status: ExportStatus; progress: number; url?: string; error?: JobError }, at: number): void {
    this.sql.exec(
      "UPDATE exports SET status = ?, progress = ?, url = ?, error = ?, completed_at = ? WHERE id = ?",
      change.status,
      change.progress,
      change.url ?? null,
      change.error ? JSON.stringify(change.error) : null,
      at,
      id,
    );
  }

  /** Forgets the ended exports of sessions that are gone, but those whose video is kept. */
  deleteEndedOutside(sessionIds: Set<string>): void {
    this.sql.exec(
      `DELETE FROM exports WHERE status IN (SELECT value FROM json_each(?)) AND file_key IS NULL
        AND session_id NOT IN (SELECT value FROM json_each(?))`,
      FINAL,
      JSON.stringify([...sessionIds]),
    );
  }
}

function toRow(row: Record<string, SqlStorageValue>): ExportRow {
  const optional = (value: SqlStorageValue) => (value == null ? undefined : value);
  return {
    exportId: String(row.id),
    sessionId: String(row.session_id),
    renderId: String(row.render_id),
    status: String(row.status) as ExportStatus,
    progress: Number(row.progress),
    url: optional(row.url) as string | undefined,
    error: row.error == null ? undefined : (JSON.parse(String(row.error)) as JobError),
    format: String(row.format),
    quality: String(row.quality),
    submissions: Number(row.submissions),
    failures: Number(row.failures),
    createdAt: Number(row.created_at),
    lookedAt: Number(row.looked_at),
    completedAt: optional(row.completed_at) as number | undefined,
    title: optional(row.title) as string | undefined,
    durationS: optional(row.duration_s) as number | undefined,
    width: optional(row.width) as number | undefined,
    height: optional(row.height) as number | undefined,
    fileKey: optional(row.file_key) as string | undefined,
    deletedAt: optional(row.deleted_at) as number | undefined,
    origin: optional(row.origin) as string | undefined,
  };
}

/** An export as the API speaks of it: what only the job needs left out (and, once its video is deleted, its links). */
export function toRecord(row: ExportRow): ExportRecord {
  const { exportId, sessionId, status, progress, url, error, createdAt, completedAt, deletedAt } = row;
  return {
    exportId,
    sessionId,
    status,
    progress,
    // A deleted video's export keeps no link to it, NemoVideo's included.
    ...(url && !deletedAt ? { url } : {}),
    ...(error ? { error } : {}),
    createdAt,
    ...(completedAt ? { completedAt } : {}),
    ...(deletedAt ? { deletedAt } : {}),
  };
}
