import type { Credentials } from "../nemo/shapes";
import { columnsOf, migrate } from "../migrations";

/**
 * The visitor's NemoVideo account in its Durable Object's SQLite: its token (the consistent copy; KV holds another
 * for the edge, account/cache.ts), until when NemoVideo refuses it a new one, the client network it counts to, and
 * whether the visitor asked to be forgotten. No other file reads or writes these tables.
 */
export class AccountTable {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, "account", [
      (sql) => {
        sql.exec(`
          CREATE TABLE IF NOT EXISTS token (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL,
            user_id TEXT, expires_at INTEGER NOT NULL);
          CREATE TABLE IF NOT EXISTS account (id INTEGER PRIMARY KEY CHECK (id = 1), refused_until INTEGER NOT NULL DEFAULT 0,
            forgotten_at INTEGER);
          INSERT OR IGNORE INTO account (id) VALUES (1);
        `);
        // Accounts from before networks were counted have no network column.
        if (!columnsOf(sql, "account").includes("network")) sql.exec("ALTER TABLE account ADD COLUMN network TEXT");
      },
    ]);
  }

  /** The client network the visitor was made in (an IPv4 address, an IPv6 /56), once known. */
  network(): string | undefined {
    const value = this.sql.exec("SELECT network FROM account WHERE id = 1").one().network;
    return value == null ? undefined : String(value);
  }

  /** Records the visitor's network the first time it is heard of; it never changes after. */
  knowNetwork(network: string): void {
    this.sql.exec("UPDATE account SET network = ? WHERE id = 1 AND network IS NULL", network);
  }

  token(): (Credentials & { expiresAt: number }) | undefined {
    const [row] = this.sql.exec("SELECT * FROM token WHERE id = 1").toArray();
    if (!row) return undefined;
    return {
      token: String(row.token),
      userId: row.user_id == null ? undefined : String(row.user_id),
      expiresAt: Number(row.expires_at),
      anonymous: true,
    };
  }

  saveToken(credentials: Credentials & { expiresAt: number }): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO token VALUES (1, ?, ?, ?)",
      credentials.token,
      credentials.userId ?? null,
      credentials.expiresAt,
    );
  }

  /** The account's NemoVideo user id, learned after the token was issued without one. */
  setUserId(userId: string): void {
    this.sql.exec("UPDATE token SET user_id = ? WHERE id = 1 AND user_id IS NULL", userId);
  }

  refusedUntil(): number {
    return Number(this.sql.exec("SELECT refused_until FROM account WHERE id = 1").one().refused_until);
  }

  refuseUntil(until: number): void {
    this.sql.exec("UPDATE account SET refused_until = ? WHERE id = 1", until);
  }

  forgotten(): boolean {
    return this.sql.exec("SELECT forgotten_at FROM account WHERE id = 1").one().forgotten_at != null;
  }

  /** Forgets the token, and remembers only that this visitor is gone. */
  forget(at: number): void {
    this.sql.exec("DELETE FROM token");
    this.sql.exec("UPDATE account SET forgotten_at = ?, refused_until = 0 WHERE id = 1", at);
  }
}
