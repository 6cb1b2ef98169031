import type { AppError } from "./errors";
import { migrate } from "./migrations";

/** A reservation, as a cap's check sees those held. */
export interface Held {
  id: string;
  /** What it is for, when the cap needs to tell (the session a turn is being started in). */
  subject?: string;
  bytes: number;
  takenAt: number;
  expiresAt: number;
}

/** How long a reservation lasts when its work dies without releasing it: longer than any call it covers. */
export const RESERVATION_LIFE_MS = 5 * 60_000;

/**
 * One place taken under a cap, while the work that needs it goes outside (NemoVideo, R2, another Durable Object).
 * `confirm()` once the feature's own row counts in its place (in the same synchronous stretch as writing it);
 * `release()` however the work ended (in `finally`). Both may be called more than once.
 */
export class Reservation {
  constructor(
    private readonly table: Reservations,
    readonly id: string,
    readonly expiresAt: number,
  ) {}

  confirm(): void {
    this.table.release(this.id);
  }

  release(): void {
    this.table.release(this.id);
  }
}

/**
 * The caps of a visitor's Durable Object (sessions a day, messages a minute, uploads, exports and generations at
 * once), decided before anything awaits the outside: `reserve` checks what is in use (the feature's own rows, which
 * the feature counts) plus what is reserved (here) and records the reservation in one synchronous stretch, so that
 * thirty requests at once can't all pass the check. A reservation never released (its work died with the object,
 * or a Worker holding one was cut off) expires by itself, so a restart can't leak one.
 *
 * @example
 * const reservation = reservations.reserve("session", (held) => (opened + held.length >= limit ? tooMany() : undefined));
 * try {
 *   const upstream = await nemo.createSession();
 *   table.save(record);
 *   reservation.confirm();
 * } finally {
 *   reservation.release();
 * }
 */
export class Reservations {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, "reservations", [`CREATE TABLE IF NOT EXISTS reservations (id TEXT PRIMARY KEY, kind TEXT NOT NULL, subject TEXT,
      bytes INTEGER NOT NULL DEFAULT 0, taken_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`]);
  }

  /**
   * Takes a place of `kind`, unless `refusal` (given what is reserved of that kind now) answers why not: then that
   * refusal is thrown and nothing is recorded.
   */
  reserve(
    kind: string,
    refusal: (held: Held[]) => AppError | undefined,
    options: { subject?: string; bytes?: number; lifeMs?: number } = {},
  ): Reservation {
    const refused = refusal(this.held(kind));
    if (refused) throw refused;
    const id = crypto.randomUUID();
    const now = Date.now();
    const expiresAt = now + (options.lifeMs ?? RESERVATION_LIFE_MS);
    this.sql.exec(
      "INSERT INTO reservations VALUES (?, ?, ?, ?, ?, ?)",
      id,
      kind,
      options.subject ?? null,
      options.bytes ?? 0,
      now,
      expiresAt,
    );
    return new Reservation(this, id, expiresAt);
  }

  /** The reservations of `kind` still held, oldest first (the expired ones are dropped first). */
  held(kind: string, now = Date.now()): Held[] {
    this.sql.exec("DELETE FROM reservations WHERE expires_at <= ?", now);
    return this.sql
      .exec("SELECT * FROM reservations WHERE kind = ? ORDER BY taken_at", kind)
      .toArray()
      .map((row) => ({
        id: String(row.id),
        subject: row.subject == null ? undefined : String(row.subject),
        bytes: Number(row.bytes),
        takenAt: Number(row.taken_at),
        expiresAt: Number(row.expires_at),
      }));
  }

  release(id: string): void {
    this.sql.exec("DELETE FROM reservations WHERE id = ?", id);
  }

  /** Keeps a reservation another `lifeMs` (work that renews its place while it runs); false once it has lapsed. */
  renew(id: string, lifeMs: number, now = Date.now()): boolean {
    this.sql.exec("UPDATE reservations SET expires_at = ? WHERE id = ? AND expires_at > ?", now + lifeMs, id, now);
    return this.sql.exec("SELECT 1 FROM reservations WHERE id = ?", id).toArray().length > 0;
  }

  /** The visitor asked to be forgotten. */
  forget(): void {
    this.sql.exec("DELETE FROM reservations");
  }
}
