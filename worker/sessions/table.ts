import { KEYSET_SQL, keysetValues, type PageAsk } from "../cursor";
import type { SessionRecord } from "./schema";
import { migrate } from "../migrations";

/**
 * A visitor's sessions in its Durable Object's SQLite: the consistent copy (KV holds another of each for the
 * edge, sessions/cache.ts). No other file reads or writes this table.
 */
export class SessionTable {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, "sessions", [`CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL,
      upstream_id TEXT NOT NULL, task_id TEXT NOT NULL, user_id TEXT, language TEXT, created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL)`]);
  }

  /** The session, while it lives. */
  find(id: string): SessionRecord | null {
    const [row] = this.sql.exec("SELECT * FROM sessions WHERE id = ? AND expires_at > ?", id, Date.now()).toArray();
    return row ? toRecord(row) : null;
  }

  /** Whose session this is, living or not yet swept. */
  owner(id: string): string | undefined {
    const [row] = this.sql.exec("SELECT visitor_id FROM sessions WHERE id = ?", id).toArray();
    return row ? String(row.visitor_id) : undefined;
  }

  /** The living sessions, newest first. */
  list(): SessionRecord[] {
    return this.sql
      .exec("SELECT * FROM sessions WHERE expires_at > ? ORDER BY created_at DESC", Date.now())
      .toArray()
      .map(toRecord);
  }

  /** One page of the living sessions, newest first (and the next page's first, to know there is one). */
  page(ask: PageAsk): SessionRecord[] {
    return this.sql
      .exec(`SELECT * FROM sessions WHERE expires_at > ? AND ${KEYSET_SQL}`, Date.now(), ...keysetValues(ask))
      .toArray()
      .map(toRecord);
  }

  /** Every session on file, living or not yet swept. */
  ids(): string[] {
    return this.sql.exec("SELECT id FROM sessions").toArray().map((row) => String(row.id));
  }

  save(record: SessionRecord): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      record.id,
      record.visitorId,
      record.upstreamId,
      record.taskId,
      record.userId ?? null,
      record.language ?? null,
      record.createdAt,
      record.expiresAt,
    );
  }

  /** When each session opened since `since` was opened, oldest first. */
  openedSince(since: number): number[] {
    return this.sql
      .exec("SELECT created_at FROM sessions WHERE created_at > ? ORDER BY created_at", since)
      .toArray()
      .map((row) => Number(row.created_at));
  }

  /** Forgets every session; answers their ids. */
  deleteAll(): string[] {
    const ids = this.ids();
    this.sql.exec("DELETE FROM sessions");
    return ids;
  }

  /** Forgets the sessions that have expired (their KV copies expire by themselves). */
  deleteExpired(now = Date.now()): void {
    this.sql.exec("DELETE FROM sessions WHERE expires_at <= ?", now);
  }
}

function toRecord(row: Record<string, SqlStorageValue>): SessionRecord {
  const optional = (value: SqlStorageValue) => (value == null ? undefined : String(value));
  return {
    id: String(row.id),
    visitorId: String(row.visitor_id),
    upstreamId: String(row.upstream_id),
    taskId: String(row.task_id),
    userId: optional(row.user_id),
    language: optional(row.language),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}
