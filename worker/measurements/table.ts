import type { Measured, Usual } from "../estimates";
import { migrate } from "../migrations";

/** How many recent durations of each kind count: the usual one is their median. */
const KEPT = 25;

/** The deployment's recent durations, in the Measurements Object's SQLite. No other file reads or writes this table. */
export class DurationTable {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, "durations", [
      "CREATE TABLE IF NOT EXISTS durations (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ms INTEGER NOT NULL)",
    ]);
  }

  /** One more of `kind`; only the newest `KEPT` of it stay. */
  add(kind: Measured, ms: number): void {
    this.sql.exec("INSERT INTO durations (kind, ms) VALUES (?, ?)", kind, Math.round(ms));
    this.sql.exec(
      "DELETE FROM durations WHERE kind = ? AND seq NOT IN (SELECT seq FROM durations WHERE kind = ? ORDER BY seq DESC LIMIT ?)",
      kind,
      kind,
      KEPT,
    );
  }

  /** The median of each kind's recent durations (the lower middle one of an even count). */
  usual(): Usual {
    const byKind: Record<string, number[]> = {};
    for (const row of this.sql.exec("SELECT kind, ms FROM durations ORDER BY kind, ms").toArray()) (byKind[String(row.kind)] ??= []).push(Number(row.ms));
    const usual: Usual = {};
    for (const [kind, sorted] of Object.entries(byKind)) usual[kind as Measured] = sorted[(sorted.length - 1) >> 1];
    return usual;
  }
}
