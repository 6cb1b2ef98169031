import { GrantTable } from "./table";

/** NemoVideo's window: anonymous tokens are counted per address over 7 days. */
export const WINDOW_MS = 7 * 24 * 3600_000;
/** How long to hold off after NemoVideo refused a new account when our own ledger can't say when it frees. */
const UNKNOWN_REFUSAL_MS = 24 * 3600_000;

/** A new account may be asked for (`id` names the grant), or not before `freesAt`. */
export type Grant = { ok: true; id: string } | { ok: false; freesAt: number };

/**
 * The budget of free NemoVideo accounts the whole deployment may make: NemoVideo sees one address (this Worker's)
 * and grants it a few accounts a week, so they are counted here, in one consistent place, and not asked for once
 * they are spent or once NemoVideo has said no, until the window frees.
 */
export class Ledger {
  private readonly table: GrantTable;

  constructor(sql: SqlStorage) {
    this.table = new GrantTable(sql);
  }

  /** Takes one account from a budget of `perWeek`, or says when the next one frees up. */
  take(perWeek: number, now = Date.now()): Grant {
    this.table.forgetBefore(now - WINDOW_MS);
    const refusedUntil = this.table.refusedUntil();
    if (refusedUntil > now) return { ok: false, freesAt: refusedUntil };
    const recent = this.table.since(now - WINDOW_MS);
    if (recent.length >= perWeek) return { ok: false, freesAt: (recent[recent.length - perWeek] ?? now) + WINDOW_MS };
    const id = crypto.randomUUID();
    this.table.add(id, now);
    return { ok: true, id };
  }

  /** An account asked for but not made (NemoVideo could not be reached): it does not count. */
  giveBack(id: string): void {
    this.table.remove(id);
  }

  /**
   * NemoVideo refused a new account for this deployment: nobody asks again until the oldest account in its window
   * is 7 days old (or, when we know of none, for a day). Answers that moment.
   */
  refused(id: string, now = Date.now()): number {
    this.table.remove(id);
    const [oldest] = this.table.since(now - WINDOW_MS);
    const until = oldest ? oldest + WINDOW_MS : now + UNKNOWN_REFUSAL_MS;
    this.table.refuseUntil(Math.max(until, this.table.refusedUntil()));
    return this.table.refusedUntil();
  }
}
