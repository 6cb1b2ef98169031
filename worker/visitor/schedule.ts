/**
 * Every timer of a visitor's Durable Object is a row here, keyed by what it is for (`export:<id>`, `keepalive`),
 * and the object's single alarm is always set to the earliest row. Setting a key again moves its row instead of
 * adding one, so a restart or a repeated step never piles up timers; `alarm()` runs every row that is due.
 */
export const SCHEDULE_TABLE = `
  CREATE TABLE IF NOT EXISTS schedule (key TEXT PRIMARY KEY, due_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0);
`;

export interface DueRow {
  key: string;
  dueAt: number;
  /** How many times this row's step has thrown since it last succeeded. */
  attempts: number;
}

export class Schedule {
  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: DurableObjectStorage,
  ) {}

  /** Runs `key` at `dueAt` (epoch ms), replacing any earlier time set for it; a step that succeeded starts afresh. */
  async at(key: string, dueAt: number, attempts = 0): Promise<void> {
    this.sql.exec("INSERT OR REPLACE INTO schedule VALUES (?, ?, ?)", key, Math.round(dueAt), attempts);
    await this.arm();
  }

  /** Like `at`, but keeps the earlier time when the key is already due sooner. */
  async atLatest(key: string, dueAt: number): Promise<void> {
    const [row] = this.sql.exec("SELECT due_at FROM schedule WHERE key = ?", key).toArray();
    if (row && Number(row.due_at) <= dueAt) return;
    await this.at(key, dueAt);
  }

  async cancel(key: string): Promise<void> {
    this.sql.exec("DELETE FROM schedule WHERE key = ?", key);
    await this.arm();
  }

  has(key: string): boolean {
    return this.sql.exec("SELECT 1 FROM schedule WHERE key = ?", key).toArray().length > 0;
  }

  /** Rows due by `now`, earliest first. They stay in the table until their step reschedules or cancels them. */
  due(now = Date.now()): DueRow[] {
    return this.sql
      .exec("SELECT * FROM schedule WHERE due_at <= ? ORDER BY due_at", now)
      .toArray()
      .map((row) => ({ key: String(row.key), dueAt: Number(row.due_at), attempts: Number(row.attempts) }));
  }

  /** Points the alarm at the earliest row (or clears it when there is none). Safe to call at any time. */
  async arm(): Promise<void> {
    const [row] = this.sql.exec("SELECT MIN(due_at) AS next FROM schedule").toArray();
    const next = row?.next == null ? null : Number(row.next);
    const current = await this.storage.getAlarm();
    if (next === null) {
      if (current !== null) await this.storage.deleteAlarm();
    } else if (current !== next) await this.storage.setAlarm(next);
  }
}
