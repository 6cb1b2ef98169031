import { GrantTable } from "./table";

/** NemoVideo's window: anonymous tokens are counted per address over 7 days. */
export const WINDOW_MS = 7 * 24 * 3600_000;
/** How long to hold off after NemoVideo refused a new account when our own ledger can't say when it frees. */
const UNKNOWN_REFUSAL_MS = 24 * 3600_000;

/**
 * A new account may be asked for (`id` names the grant), or not before `freesAt`: the deployment's budget is
 * spent, or (`network`) the share of the visitor's network is.
 */
export type Grant = { ok: true; id: string } | { ok: false; freesAt: number; network: boolean };

/** The week's budgets: the deployment's, and the share of any one network. */
export interface Budgets {
  perWeek: number;
  perNetwork: number;
}

/**
 * The budget of free NemoVideo accounts the whole deployment may make: NemoVideo sees one address (this Worker's)
 * and grants it a few accounts a week, so they are counted here, in one consistent place, and not asked for once
 * they are spent or once NemoVideo has said no, until the window frees. Each network of visitors (an IPv4 address,
 * an IPv6 /56) may take at most its share of them, so that one address can't take what everybody else needs; both
 * are decided in one step.
 */
export class Ledger {
  private readonly table: GrantTable;

  constructor(sql: SqlStorage) {
    this.table = new GrantTable(sql);
  }

  /**
   * Takes one account for a visitor of `network` (unknown for keys from before networks were carried: then only
   * the deployment's budget applies), or says when the next one frees up.
   */
  take({ perWeek, perNetwork }: Budgets, network: string | undefined, now = Date.now()): Grant {
    this.table.forgetBefore(now - WINDOW_MS);
    const refusedUntil = this.table.refusedUntil();
    if (refusedUntil > now) return { ok: false, freesAt: refusedUntil, network: false };
    const recent = this.table.since(now - WINDOW_MS);
    if (recent.length >= perWeek) return { ok: false, freesAt: (recent[recent.length - perWeek] ?? now) + WINDOW_MS, network: false };
    const ours = network ? this.table.since(now - WINDOW_MS, network) : [];
    if (network && ours.length >= perNetwork)
      return { ok: false, freesAt: (ours[ours.length - perNetwork] ?? now) + WINDOW_MS, network: true };
    const id = crypto.randomUUID();
    this.table.add(id, now, network);
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
