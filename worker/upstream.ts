import type { Bindings, Config } from "./config";
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

/**
 * Fetch for addresses that are not NemoVideo's API (webhook receivers). In `npm start` and the tests, addresses
 * on the emulator's host (its stand-in webhook receiver, see emulator/README.md) go through its binding.
 */
export function outboundFetch(env: Bindings): (request: Request) => Promise<Response> {
  const emulator = env.NEMO_EMULATOR;
  return (request) =>
    emulator && new URL(request.url).hostname === "nemo.emulator" ? emulator.fetch(request) : fetch(request);
}
