import type { Credentials } from "../nemo/shapes";

/**
 * The visitor's NemoVideo token in its Durable Object's SQLite: the consistent copy (KV holds another for the
 * edge, visitors/cache.ts). No other file reads or writes this table.
 */
export class TokenTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS token (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL,
      user_id TEXT, expires_at INTEGER NOT NULL)`);
  }

  read(): Credentials | undefined {
    const [row] = this.sql.exec("SELECT * FROM token WHERE id = 1").toArray();
    if (!row) return undefined;
    return {
      token: String(row.token),
      userId: row.user_id == null ? undefined : String(row.user_id),
      expiresAt: Number(row.expires_at),
      anonymous: true,
    };
  }

  save(credentials: Credentials & { expiresAt: number }): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO token VALUES (1, ?, ?, ?)",
      credentials.token,
      credentials.userId ?? null,
      credentials.expiresAt,
    );
  }
}
