import { AppError } from "../errors";
import { AnonymousToken } from "./envelopes";
import { fromUpstream, registrationLink } from "./errors";
import type { Credentials } from "./shapes";
import { attributionHeaders, CALL_TIMEOUT_MS, type NemoOptions, readOutcome, sleep } from "./transport";

/** Anonymous tokens live 7 days; NemoVideo may leave out `expires_at`. */
export const ANONYMOUS_TOKEN_LIFE_MS = 7 * 24 * 3600_000;

/**
 * Asks for a free anonymous token (100 credits, 7 days) for a stable client id. One retry after a 429,
 * then a clear refusal: NemoVideo allows one token per client per 7 days and a few per address.
 */
export async function requestAnonymousToken(options: NemoOptions, clientId: string): Promise<Credentials> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await options.fetcher(
        new Request(new URL("/api/auth/anonymous-token", options.base), {
          method: "POST",
          headers: { ...attributionHeaders(options.attribution), "X-Client-Id": clientId },
          signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        }),
      );
    } catch {
      throw new AppError("upstream_unavailable", "NemoVideo can't be reached right now. Please try again in a moment.");
    }
    if (response.status === 429) {
      await response.body?.cancel();
      if (attempt === 0) {
        await sleep(options.retryAfterMs);
        continue;
      }
      throw new AppError(
        "rate_limited",
        "NemoVideo isn't giving out new free accounts from this site right now. Please try again later, or register with NemoVideo for your own account.",
        registrationLink(),
      );
    }
    const outcome = await readOutcome(response);
    if (!outcome.ok) throw fromUpstream(outcome.code, outcome.status, { anonymous: true });
    const parsed = AnonymousToken.safeParse(outcome.data);
    if (!parsed.success)
      throw new AppError("upstream_error", "NemoVideo answered in a way we did not expect. Please try again.");
    const expiry = parsed.data.expires_at ? Date.parse(parsed.data.expires_at) : Number.NaN;
    return {
      token: parsed.data.token,
      userId: parsed.data.user_id ?? undefined,
      expiresAt: Number.isFinite(expiry) ? expiry : Date.now() + ANONYMOUS_TOKEN_LIFE_MS,
      anonymous: true,
    };
  }
}
