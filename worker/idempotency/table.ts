import { migrate } from "../migrations";

/** What a key stands for while it is kept: its request's fingerprint and, once answered, the first answer. */
export interface KeyRow {
  key: string;
  fingerprint: string;
  state: "running" | "answered";
  status?: number;
  /** The answer's headers that matter (its type, where it points), as JSON. */
  headers?: string;
  body?: string;
  /** A message's answer is its turn's stream, replayed from the turn (not from a copy): `{sessionId, turnId}` as JSON. */
  turn?: string;
  createdAt: number;
}

/** The idempotency keys of a visitor: one row per key, swept a day after it was first used. */
export class KeyTable {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, "idempotency", [`CREATE TABLE IF NOT EXISTS idempotency_keys (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
      state TEXT NOT NULL, status INTEGER, headers TEXT, body TEXT, turn TEXT, created_at INTEGER NOT NULL)`]);
  }

  find(key: string): KeyRow | undefined {
    const row = this.sql.exec("SELECT * FROM idempotency_keys WHERE key = ?", key).toArray()[0];
    if (!row) return undefined;
    return {
      key: String(row.key),
      fingerprint: String(row.fingerprint),
      state: row.state as KeyRow["state"],
      status: row.status == null ? undefined : Number(row.status),
      headers: row.headers == null ? undefined : String(row.headers),
      body: row.body == null ? undefined : String(row.body),
      turn: row.turn == null ? undefined : String(row.turn),
      createdAt: Number(row.created_at),
    };
  }

  /** Takes the key for a request now being answered (replacing a lapsed row of the same key). */
  take(key: string, fingerprint: string, now: number): void {
    this.sql.exec("INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, state, created_at) VALUES (?, ?, 'running', ?)", key, fingerprint, now);
  }

  answer(key: string, answer: { status: number; headers: string; body?: string; turn?: string }): void {
    this.sql.exec(
      "UPDATE idempotency_keys SET state = 'answered', status = ?, headers = ?, body = ?, turn = ? WHERE key = ? AND state = 'running'",
      answer.status,
      answer.headers,
      answer.body ?? null,
      answer.turn ?? null,
      key,
    );
  }

  release(key: string): void {
    this.sql.exec("DELETE FROM idempotency_keys WHERE key = ? AND state = 'running'", key);
  }

  deleteCreatedBefore(before: number): void {
    this.sql.exec("DELETE FROM idempotency_keys WHERE created_at < ?", before);
  }

  deleteAll(): void {
    this.sql.exec("DELETE FROM idempotency_keys");
  }
}
