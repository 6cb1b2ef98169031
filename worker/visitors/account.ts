import { requestAnonymousToken } from "../nemo/anonymous";
import { NemoClient } from "../nemo/client";
import type { Credentials } from "../nemo/shapes";
import type { Scope } from "../scope";
import { nemoOptions } from "../upstream";
import { cacheToken } from "./cache";
import { TokenTable } from "./table";

/** Renew a little before NemoVideo would refuse the token. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/**
 * The visitor's NemoVideo account, inside its Durable Object: the operator's token when one is configured, else
 * the visitor's own anonymous token, asked for once and kept. Renewals are serialised here, so a visitor never asks
 * NemoVideo for two tokens at once.
 */
export class Account {
  private readonly tokens: TokenTable;
  private renewal: Promise<Credentials> | undefined;

  constructor(private readonly scope: Scope) {
    this.tokens = new TokenTable(scope.sql);
  }

  /**
   * The credentials to call with. `stale` is a token NemoVideo just refused: if it is still the one on file a new
   * one is requested; if another call renewed it meanwhile, the newer one is returned.
   */
  async credentials(visitorId: string, stale?: string): Promise<Credentials> {
    const operator = this.scope.config.NEMO_TOKEN;
    if (operator) return { token: operator, anonymous: false };
    const stored = this.tokens.read();
    if (stored && stored.token !== stale && (stored.expiresAt ?? 0) - EXPIRY_MARGIN_MS > Date.now()) return stored;
    this.renewal ??= this.request(visitorId).finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  /** A NemoVideo client that calls with this visitor's credentials. */
  client(visitorId: string): NemoClient {
    return new NemoClient(nemoOptions(this.scope.env, this.scope.config), {
      current: () => this.credentials(visitorId),
      renew: (stale) => this.credentials(visitorId, stale.token),
    });
  }

  private async request(visitorId: string): Promise<Credentials> {
    const credentials = await requestAnonymousToken(nemoOptions(this.scope.env, this.scope.config), visitorId);
    const kept = { ...credentials, expiresAt: credentials.expiresAt! };
    this.tokens.save(kept);
    await cacheToken(this.scope.env, visitorId, kept);
    return credentials;
  }
}
