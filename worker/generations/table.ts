import type { JobError } from "../exports/schema";
import { KEYSET_SQL, keysetValues, type PageAsk } from "../cursor";
import { FINAL_GENERATION_STATUSES, type GenerationStatus } from "./schema";
import { columnsOf, migrate } from "../migrations";

export interface GenerationRow {
  id: string;
  visitorId: string;
  /** The API's address when the generation was asked for: its links are absolute. */
  origin: string;
  prompt: string;
  language?: string;
  webhookUrl?: string;
  /** The generation whose video this one changes, in that one's session. */
  editOf?: string;
  /** The conversation it was asked from (a variation of its video), as the request gave it. */
  conversationId?: string;
  status: GenerationStatus;
  sessionId?: string;
  turnId?: string;
  exportId?: string;
  error?: JobError;
  createdAt: number;
  completedAt?: number;
  webhookStatus?: "pending" | "delivered" | "failed";
  webhookAttempts: number;
  webhookLastStatus?: number;
}

const FINAL = JSON.stringify(FINAL_GENERATION_STATUSES);

/** The visitor's generations in its Durable Object's SQLite. No other file reads or writes this table. */
export class GenerationTable {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, "generations", [
      (sql) => {
        sql.exec(`CREATE TABLE IF NOT EXISTS generations (id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL,
          origin TEXT NOT NULL, prompt TEXT NOT NULL, language TEXT, webhook_url TEXT, status TEXT NOT NULL,
          session_id TEXT, turn_id TEXT, export_id TEXT, error TEXT, created_at INTEGER NOT NULL, completed_at INTEGER,
          webhook_status TEXT, webhook_attempts INTEGER NOT NULL DEFAULT 0, webhook_last_status INTEGER, edit_of TEXT,
          conversation_id TEXT)`);
        // Tables made before edits had no edit_of, and before variations no conversation_id.
        const columns = columnsOf(sql, "generations");
        if (!columns.includes("edit_of")) sql.exec("ALTER TABLE generations ADD COLUMN edit_of TEXT");
        if (!columns.includes("conversation_id")) sql.exec("ALTER TABLE generations ADD COLUMN conversation_id TEXT");
      },
    ]);
  }

  insert(row: GenerationRow): void {
    this.sql.exec(
      `INSERT INTO generations (id, visitor_id, origin, prompt, language, webhook_url, status, created_at, session_id, edit_of,
        conversation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.id,
      row.visitorId,
      row.origin,
      row.prompt,
      row.language ?? null,
      row.webhookUrl ?? null,
      row.status,
      row.createdAt,
      row.sessionId ?? null,
      row.editOf ?? null,
      row.conversationId ?? null,
    );
  }

  find(id: string): GenerationRow | undefined {
    const [row] = this.sql.exec("SELECT * FROM generations WHERE id = ?", id).toArray();
    return row ? toRow(row) : undefined;
  }

  /** Every generation, newest first. */
  list(): GenerationRow[] {
    return this.sql.exec("SELECT * FROM generations ORDER BY created_at DESC").toArray().map(toRow);
  }

  /** The exports the generations made (or are making). */
  exportIds(): string[] {
    return this.sql.exec("SELECT export_id FROM generations WHERE export_id IS NOT NULL").toArray().map((row) => String(row.export_id));
  }

  /** One page of the generations, newest first (and the next page's first, to know there is one). */
  page(ask: PageAsk): GenerationRow[] {
    return this.sql.exec(`SELECT * FROM generations WHERE ${KEYSET_SQL}`, ...keysetValues(ask)).toArray().map(toRow);
  }

  /** Those queued or running. */
  unfinished(): GenerationRow[] {
    return this.sql
      .exec("SELECT * FROM generations WHERE status NOT IN (SELECT value FROM json_each(?))", FINAL)
      .toArray()
      .map(toRow);
  }

  setSession(id: string, sessionId: string): void {
    this.sql.exec("UPDATE generations SET session_id = ? WHERE id = ?", sessionId, id);
  }

  generating(id: string, turnId: string): void {
    this.sql.exec("UPDATE generations SET turn_id = ?, status = 'generating' WHERE id = ?", turnId, id);
  }

  rendering(id: string, exportId: string): void {
    this.sql.exec("UPDATE generations SET export_id = ?, status = 'rendering' WHERE id = ?", exportId, id);
  }

  finish(id: string, status: GenerationStatus, error: JobError | undefined, webhookPending: boolean): void {
    this.sql.exec(
      "UPDATE generations SET status = ?, error = ?, completed_at = ?, webhook_status = ? WHERE id = ?",
      status,
      error ? JSON.stringify(error) : null,
      Date.now(),
      webhookPending ? "pending" : null,
      id,
    );
  }

  webhookAttempt(id: string, outcome: NonNullable<GenerationRow["webhookStatus"]>, attempts: number, status?: number): void {
    this.sql.exec(
      "UPDATE generations SET webhook_status = ?, webhook_attempts = ?, webhook_last_status = ? WHERE id = ?",
      outcome,
      attempts,
      status ?? null,
      id,
    );
  }

  /** Forgets the ended generations that never had a session and ended before `before`. */
  deleteEndedWithoutSession(before: number): void {
    this.sql.exec(
      "DELETE FROM generations WHERE status IN (SELECT value FROM json_each(?)) AND session_id IS NULL AND completed_at < ?",
      FINAL,
      before,
    );
  }

  deleteAll(): void {
    this.sql.exec("DELETE FROM generations");
  }

  /** Forgets the ended generations of sessions that are gone. */
  deleteEndedOutside(sessionIds: Set<string>): void {
    this.sql.exec(
      `DELETE FROM generations WHERE status IN (SELECT value FROM json_each(?)) AND session_id IS NOT NULL
        AND session_id NOT IN (SELECT value FROM json_each(?))`,
      FINAL,
      JSON.stringify([...sessionIds]),
    );
  }
}

function toRow(row: Record<string, SqlStorageValue>): GenerationRow {
  const text = (value: SqlStorageValue) => (value == null ? undefined : String(value));
  return {
    id: String(row.id),
    visitorId: String(row.visitor_id),
    origin: String(row.origin),
    prompt: String(row.prompt),
    language: text(row.language),
    webhookUrl: text(row.webhook_url),
    editOf: text(row.edit_of),
    conversationId: text(row.conversation_id),
    status: String(row.status) as GenerationStatus,
    sessionId: text(row.session_id),
    turnId: text(row.turn_id),
    exportId: text(row.export_id),
    error: row.error == null ? undefined : (JSON.parse(String(row.error)) as JobError),
    createdAt: Number(row.created_at),
    completedAt: row.completed_at == null ? undefined : Number(row.completed_at),
    webhookStatus: text(row.webhook_status) as GenerationRow["webhookStatus"],
    webhookAttempts: Number(row.webhook_attempts),
    webhookLastStatus: row.webhook_last_status == null ? undefined : Number(row.webhook_last_status),
  };
}
