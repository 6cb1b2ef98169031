import { migrate } from "./migrations";

/** A named step a feature registers: what the alarm does for one of its rows (`<name>:<id>`, or just `<name>`). */
export interface Step {
  /** Runs the step. It reschedules or cancels its own row; one that does neither is cancelled for it. */
  run(id: string): Promise<void>;
  /** Called once the step has thrown `MAX_STEP_ATTEMPTS` times in a row: the job fails with the reason. */
  giveUp?(id: string, error: unknown): Promise<void>;
}

/** A step that throws is retried with backoff this many times, then given up (never retried forever). */
export const MAX_STEP_ATTEMPTS = 6;

interface DueRow {
  key: string;
  dueAt: number;
  /** How many times this row's step has thrown since it last succeeded. */
  attempts: number;
}

const split = (key: string) => {
  const [name, id = ""] = key.split(/:(.*)/s);
  return { name, id };
};

/**
 * Every timer of a visitor's Durable Object is a row here, keyed by what it is for (`export:<id>`, `keepalive`),
 * and the object's single alarm is always set to the earliest row. Setting a key again moves its row instead of
 * adding one, so a restart or a repeated step never piles up timers. Features register their steps by name;
 * `run()` (the alarm) runs every row that is due.
 */
export class Schedule {
  private readonly steps = new Map<string, Step>();

  constructor(
    private readonly storage: DurableObjectStorage,
    /** `JOB_TIME_SCALE`: shrinks the backoff of failing steps in `npm start` and the tests. */
    private readonly scale: number,
  ) {
    migrate(storage.sql, "schedule", [
      `CREATE TABLE IF NOT EXISTS schedule (key TEXT PRIMARY KEY, due_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)`,
    ]);
  }

  private get sql() {
    return this.storage.sql;
  }

  /** Registers the step that runs rows keyed `name` or `name:<id>`. */
  define(name: string, step: Step): void {
    this.steps.set(name, step);
  }

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

  /**
   * The alarm: runs every row that is due. A step that throws is tried again with backoff, and after
   * `MAX_STEP_ATTEMPTS` it is given up with the reason. Nothing here throws, so Cloudflare's own retries of an
   * alarm are left for failures of the platform.
   */
  async run(): Promise<void> {
    for (const row of this.due()) {
      const { name, id } = split(row.key);
      const step = this.steps.get(name);
      try {
        if (step) await step.run(id);
        if (this.due().some((due) => due.key === row.key && due.dueAt === row.dueAt)) await this.cancel(row.key);
      } catch (error) {
        const attempts = row.attempts + 1;
        if (attempts < MAX_STEP_ATTEMPTS) {
          const backoff = Math.min(60_000, 1_000 * 2 ** attempts) * this.scale;
          await this.at(row.key, Date.now() + backoff, attempts);
        } else {
          console.error("giving up a scheduled step", row.key, error instanceof Error ? error.message : error);
          await this.cancel(row.key);
          await step?.giveUp?.(id, error);
        }
      }
    }
    await this.arm();
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

  /** Rows due by `now`, earliest first. They stay in the table until their step reschedules or cancels them. */
  private due(now = Date.now()): DueRow[] {
    return this.sql
      .exec("SELECT * FROM schedule WHERE due_at <= ? ORDER BY due_at", now)
      .toArray()
      .map((row) => ({ key: String(row.key), dueAt: Number(row.due_at), attempts: Number(row.attempts) }));
  }
}
