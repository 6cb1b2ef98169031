import { accountBudget, networkAllowance } from "../budget/budget";
import { AppError } from "../errors";
import { requestAnonymousToken } from "../nemo/anonymous";
import type { NemoClient } from "../nemo/client";
import type { Credentials } from "../nemo/shapes";
import type { Scope } from "../scope";
import { KEY_LIFE_MS } from "../signing";
import { nemoOptions, operatorCredentials, visitorNemo } from "../upstream";
import { cacheToken, markForgotten } from "./cache";
import { budgetSpent, forgotten, networkMessagesSent, networkShareSpent, refusedForThisVisitor } from "./refusals";
import { AccountTable } from "./table";

/**
 * NemoVideo grants one free token per client id a week, so a token refused in its life (1001) can't be replaced
 * before it would have expired; refused after that, for a reason we can't know, we hold off this long.
 */
const UNKNOWN_REFUSAL_MS = 24 * 3600_000;

/**
 * The visitor's NemoVideo account, inside its Durable Object: the operator's token when one is configured, else
 * the visitor's own free (anonymous) token, asked for once and used for its whole life. A new one is asked for
 * only after it expires or when NemoVideo refuses it (1001/401), never twice at once, never while NemoVideo has
 * said no, and only from the deployment's budget of free accounts and its network's share of it (worker/budget/).
 */
export class Account {
  private readonly table: AccountTable;
  private renewal: Promise<Credentials> | undefined;

  constructor(private readonly scope: Scope) {
    this.table = new AccountTable(scope.sql);
  }

  /**
   * The credentials to call with. `stale` is a token NemoVideo just refused: if it is still the one on file a new
   * one is asked for; if another call renewed it meanwhile, the newer one is returned.
   */
  async credentials(visitorId: string, stale?: string): Promise<Credentials> {
    const operator = operatorCredentials(this.scope.config);
    if (operator) return operator;
    if (this.table.forgotten()) throw forgotten();
    const stored = this.table.token();
    if (stored && stored.token !== stale && stored.expiresAt > Date.now()) return stored;
    const refusedUntil = this.table.refusedUntil();
    if (refusedUntil > Date.now()) throw refusedForThisVisitor(refusedUntil, stored?.userId);
    this.renewal ??= this.request(visitorId, stored).finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  /**
   * The client network the visitor was made in (from its key, or for an old key the address it asks from): the
   * first one heard of is kept, so that every account it is given, even in an alarm, counts to that network.
   */
  know(network: string | undefined): void {
    if (network) this.table.knowNetwork(network);
  }

  /**
   * On the operator's shared account: one of the messages the visitors of this one's network share today
   * (`NETWORK_DAILY_TURNS`), or `quota_exceeded`. A visitor whose network is not known is held to its own allowance.
   */
  async takeNetworkTurn(day: string): Promise<void> {
    const network = this.table.network();
    const limit = this.scope.config.NETWORK_DAILY_TURNS;
    if (network && !(await networkAllowance(this.scope.env, network).take(day, limit))) throw networkMessagesSent(limit);
  }

  /** A NemoVideo client that calls with this visitor's credentials, asked of this account (the Object's own side). */
  client(visitorId: string): NemoClient {
    return visitorNemo(this.scope.env, this.scope.config, { ask: (stale) => this.credentials(visitorId, stale) });
  }

  /** NemoVideo named the account in a later answer (a new session's `user_id`): its registration link can bind it. */
  async learnUserId(visitorId: string, userId: string): Promise<void> {
    const stored = this.table.token();
    if (!stored || stored.userId) return;
    this.table.setUserId(userId);
    await cacheToken(this.scope.env, visitorId, { ...stored, userId });
  }

  /** The visitor asked to be forgotten: no token is kept, and none will ever be asked for again. */
  async forget(visitorId: string): Promise<void> {
    this.table.forget(Date.now());
    await markForgotten(this.scope.env, visitorId, Date.now() + KEY_LIFE_MS);
  }

  private async request(visitorId: string, previous: (Credentials & { expiresAt: number }) | undefined): Promise<Credentials> {
    const budget = accountBudget(this.scope.env);
    const { ANONYMOUS_ACCOUNTS_PER_WEEK: perWeek, ACCOUNTS_PER_NETWORK_PER_WEEK: perNetwork } = this.scope.config;
    const grant = await budget.take({ perWeek, perNetwork }, this.table.network());
    if (!grant.ok) throw grant.network ? networkShareSpent(grant.freesAt, perNetwork) : budgetSpent(grant.freesAt, perWeek);
    let credentials: Credentials;
    try {
      credentials = await requestAnonymousToken(nemoOptions(this.scope.env, this.scope.config), visitorId);
    } catch (error) {
      if (!(error instanceof AppError && error.code === "accounts_exhausted")) {
        await budget.giveBack(grant.id);
        throw error;
      }
      // One token per client id a week: a visitor who had one is refused for itself; a new one, for the deployment.
      if (previous) {
        await budget.giveBack(grant.id);
        const until = previous.expiresAt > Date.now() ? previous.expiresAt : Date.now() + UNKNOWN_REFUSAL_MS;
        this.table.refuseUntil(until);
        throw refusedForThisVisitor(until, previous.userId);
      }
      throw budgetSpent(await budget.refused(grant.id), perWeek);
    }
    const kept = { ...credentials, expiresAt: credentials.expiresAt! };
    this.table.saveToken(kept);
    await cacheToken(this.scope.env, visitorId, kept);
    return credentials;
  }
}
