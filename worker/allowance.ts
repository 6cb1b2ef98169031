import { migrate } from "./migrations";

/**
 * A day's allowance, counted in a Durable Object's SQLite (its own table): the messages a visitor, or all the
 * visitors of a network, may send on the operator's shared account in one UTC day. Only today's count is kept.
 * @example new DailyAllowance(ctx.storage.sql).take("2026-11-25", 30) // true, and one of the 30 is taken
 */
export class DailyAllowance {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, "daily_allowance", ["CREATE TABLE IF NOT EXISTS daily_allowance (day TEXT PRIMARY KEY, used INTEGER NOT NULL)"]);
  }

  /** Counts one of `day`'s `limit`; false, counting nothing, once they are used up. */
  take(day: string, limit: number): boolean {
    const [row] = this.sql.exec("SELECT used FROM daily_allowance WHERE day = ?", day).toArray();
    if (Number(row?.used ?? 0) >= limit) return false;
    this.sql.exec("DELETE FROM daily_allowance WHERE day <> ?", day);
    this.sql.exec("INSERT INTO daily_allowance VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET used = used + 1", day);
    return true;
  }

  /** One taken but not used (another allowance said no): it counts no more. */
  giveBack(day: string): void {
    this.sql.exec("UPDATE daily_allowance SET used = MAX(used - 1, 0) WHERE day = ?", day);
  }

  forget(): void {
    this.sql.exec("DELETE FROM daily_allowance");
  }
}

/** Today, as the allowances count days (UTC), and when tomorrow starts. */
export const today = (now = Date.now()) => new Date(now).toISOString().slice(0, 10);
export const tomorrow = (now = Date.now()) => (Math.floor(now / 86_400_000) + 1) * 86_400_000;
