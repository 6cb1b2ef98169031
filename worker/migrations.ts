/**
 * A feature's tables brought to their current shape by steps that run once each, in order, when its Durable Object
 * starts. The version each feature has reached is a row of `migrations(feature, version)` in the same SQLite, so a
 * start runs only the steps it has not run yet (none, usually: one read).
 *
 * Step 1 of every feature adopts what releases before versions left behind: its `CREATE … IF NOT EXISTS` statements
 * and, where a column came later, the check that adds it to an older table. Every later change of shape is a new
 * step at the end of the list, never an edit of an old one. A constructor runs synchronously, so a Durable Object
 * commits its steps and their version rows together (writes between awaits are atomic) or not at all.
 * @example migrate(sql, "sessions", [`CREATE TABLE IF NOT EXISTS sessions (…)`, "ALTER TABLE sessions ADD COLUMN title TEXT"]);
 */
export type Step = string | ((sql: SqlStorage) => void);

export function migrate(sql: SqlStorage, feature: string, steps: readonly Step[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS migrations (feature TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  const [row] = sql.exec("SELECT version FROM migrations WHERE feature = ?", feature).toArray();
  for (let version = Number(row?.version ?? 0); version < steps.length; version++) {
    const step = steps[version];
    if (typeof step === "string") sql.exec(step);
    else step(sql);
    sql.exec("INSERT INTO migrations VALUES (?, ?) ON CONFLICT (feature) DO UPDATE SET version = excluded.version", feature, version + 1);
  }
}

/** The columns `table` has: for a first step that adopts a table made before a column was added. */
export function columnsOf(sql: SqlStorage, table: string): string[] {
  return sql.exec("SELECT name FROM pragma_table_info(?)", table).toArray().map((column) => String(column.name));
}
