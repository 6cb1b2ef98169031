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
