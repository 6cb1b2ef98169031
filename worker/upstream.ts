import type { Bindings, Config } from "./config";
import { NemoClient } from "./nemo/client";
import type { Credentials } from "./nemo/shapes";
import type { NemoOptions } from "./nemo/transport";

/**
 * How this deployment reaches NemoVideo: plain `fetch` to `NEMO_API_BASE`, or, in `npm start` and the tests,
 * the embedded emulator's service binding.
 */
export function nemoOptions(env: Bindings, config: Config): NemoOptions {
  const emulator = env.NEMO_EMULATOR;
  return {
    base: config.NEMO_API_BASE,
    attribution: { source: config.SKILL_SOURCE, version: config.SKILL_VERSION, platform: config.SKILL_PLATFORM },
    fetcher: emulator ? (request) => emulator.fetch(request) : (request) => fetch(request),
    retryAfterMs: config.UPSTREAM_RETRY_AFTER_MS,
    backoffMs: config.UPSTREAM_BACKOFF_MS,
  };
}

/** The operator's account (`NEMO_TOKEN`), when this deployment has one: every visitor's calls use it. */
export const operatorCredentials = (config: Config): Credentials | undefined =>
  config.NEMO_TOKEN ? { token: config.NEMO_TOKEN, anonymous: false } : undefined;

/** Where one visitor's own token comes from: a copy to try first, and the visitor's account, which renews a refused one. */
export interface VisitorTokens {
  kept?(): Promise<Credentials | undefined>;
  /** The account's current token, or (with `stale`, a token NemoVideo just refused) a fresh one. */
  ask(stale?: string): Promise<Credentials>;
}

/**
 * The NemoVideo client that acts for one visitor, on either side of RPC: the operator's token when there is one,
 * else the visitor's own, its kept copy while that lives (a token is used for its whole life: NemoVideo gives a
 * client one a week, so renewing early is refused), else the account's.
 */
export function visitorNemo(env: Bindings, config: Config, tokens: VisitorTokens): NemoClient {
  const operator = operatorCredentials(config);
  return new NemoClient(nemoOptions(env, config), {
    current: async () => {
      if (operator) return operator;
      const kept = await tokens.kept?.();
      return kept && (kept.expiresAt ?? 0) > Date.now() ? kept : tokens.ask();
    },
    renew: async (stale) => operator ?? tokens.ask(stale.token),
  });
}
