import { columnsOf, migrate } from "../migrations";

/**
 * The deployment's ledger of free NemoVideo accounts, in the AccountBudget Durable Object's SQLite: one row per
 * account asked for (kept 7 days), with the network of the visitor it was for, and when NemoVideo last refused
 * one. No other file reads or writes it.
 */
export class GrantTable {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, "budget", [
      (sql) => {
        sql.exec(`
          CREATE TABLE IF NOT EXISTS grants (id TEXT PRIMARY KEY, at INTEGER NOT NULL);
          CREATE TABLE IF NOT EXISTS refusal (id INTEGER PRIMARY KEY CHECK (id = 1), until INTEGER NOT NULL);
        `);
        // Ledgers from before networks were counted have no network column.
        if (!columnsOf(sql, "grants").includes("network")) sql.exec("ALTER TABLE grants ADD COLUMN network TEXT");
      },
    ]);
  }

  /** The grants made since `since` (of one network's visitors, when `network` is given), oldest first. */
  since(since: number, network?: string): number[] {
    const rows = network
      ? this.sql.exec("SELECT at FROM grants WHERE at > ? AND network = ? ORDER BY at", since, network)
      : this.sql.exec("SELECT at FROM grants WHERE at > ? ORDER BY at", since);
    return rows.toArray().map((row) => Number(row.at));
  }

  add(id: string, at: number, network?: string): void {
    this.sql.exec("INSERT INTO grants (id, at, network) VALUES (?, ?, ?)", id, at, network ?? null);
  }

  remove(id: string): void {
    this.sql.exec("DELETE FROM grants WHERE id = ?", id);
  }

  forgetBefore(before: number): void {
    this.sql.exec("DELETE FROM grants WHERE at <= ?", before);
  }

  refusedUntil(): number {
    const [row] = this.sql.exec("SELECT until FROM refusal WHERE id = 1").toArray();
    return row ? Number(row.until) : 0;
  }

  refuseUntil(until: number): void {
    this.sql.exec("INSERT OR REPLACE INTO refusal VALUES (1, ?)", until);
  }
}
