import { AppError } from "../errors";
import { RESERVATION_LIFE_MS } from "../reservations";
import { type KeyRow, KeyTable } from "./table";

/** How long a key answers its first answer again (the IETF draft leaves it to the server; Stripe keeps a day). */
export const KEY_KEPT_MS = 24 * 3600_000;

/** The first answer to a key, as it is kept and answered again. */
export interface KeptAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string;
  /** A message's answer: the turn it started. */
  turn?: { sessionId: string; turnId: string };
}

/** What a request with a key is to do: be answered as new, or get the first answer again. */
export type KeyDecision = { replay: false } | { replay: true; answer: KeptAnswer };

const reused = () =>
  new AppError(
    "idempotency_key_reused",
    "This Idempotency-Key was already used for another request (another call or another body). Use a new key for a new request.",
  );

const inProgress = () =>
  new AppError(
    "idempotency_in_progress",
    "The first request with this Idempotency-Key is still being answered. Try again in a moment to get its answer.",
    undefined,
    Date.now() + 2000,
  );

/**
 * A visitor's idempotency keys, in its Durable Object: `begin` decides "new, replay, in progress or reused" in one
 * synchronous step (as a cap's reservation is decided), so that two requests with one key at once can't both start
 * work. A request being answered holds its key until `answer` keeps the answer or `release` frees it (a failure on
 * our side, which a retry should be able to get past); a hold whose Worker died lapses after `RESERVATION_LIFE_MS`.
 */
export class Idempotency {
  private readonly table: KeyTable;

  constructor(sql: SqlStorage) {
    this.table = new KeyTable(sql);
  }

  begin(key: string, fingerprint: string, now = Date.now()): KeyDecision {
    const row = this.table.find(key);
    if (row && !lapsed(row, now)) {
      if (row.fingerprint !== fingerprint) throw reused();
      if (row.state === "running") throw inProgress();
      return { replay: true, answer: keptAnswer(row) };
    }
    this.table.take(key, fingerprint, now);
    return { replay: false };
  }

  answer(key: string, answer: KeptAnswer): void {
    const { status, headers, body, turn } = answer;
    this.table.answer(key, { status, headers: JSON.stringify(headers), body, turn: turn && JSON.stringify(turn) });
  }

  release(key: string): void {
    this.table.release(key);
  }

  sweep(now = Date.now()): void {
    this.table.deleteCreatedBefore(now - KEY_KEPT_MS);
  }

  forget(): void {
    this.table.deleteAll();
  }
}

const lapsed = (row: KeyRow, now: number) =>
  row.createdAt <= now - KEY_KEPT_MS || (row.state === "running" && row.createdAt <= now - RESERVATION_LIFE_MS);

const keptAnswer = (row: KeyRow): KeptAnswer => ({
  status: row.status ?? 200,
  headers: JSON.parse(row.headers ?? "{}"),
  ...(row.body === undefined ? {} : { body: row.body }),
  ...(row.turn === undefined ? {} : { turn: JSON.parse(row.turn) }),
});
