import { AppError } from "../errors";
import { AnonymousToken } from "./envelopes";
import { fromUpstream, unexpectedAnswer } from "./errors";
import type { Credentials } from "./shapes";
import { attributionHeaders, CALL_TIMEOUT_MS, type NemoOptions, readOutcome } from "./transport";

/** Anonymous tokens live 7 days; NemoVideo may leave out `expires_at`. */
export const ANONYMOUS_TOKEN_LIFE_MS = 7 * 24 * 3600_000;

/**
 * Asks once for a free anonymous token (100 credits, 7 days) for a stable client id. A refusal (429: NemoVideo
 * grants one token per client and a few per address in 7 days) is answered at once as `accounts_exhausted`, never
 * waited out or asked again here: the caller knows whose budget it was and when to try again.
 */
export async function requestAnonymousToken(options: NemoOptions, clientId: string): Promise<Credentials> {
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
    throw new AppError("accounts_exhausted", "NemoVideo refused a new free account.");
  }
  const outcome = await readOutcome(response);
  if (!outcome.ok) throw fromUpstream(outcome.code, outcome.status, { anonymous: true });
  const parsed = AnonymousToken.safeParse(outcome.data);
  if (!parsed.success) throw unexpectedAnswer();
  const expiry = parsed.data.expires_at ? Date.parse(parsed.data.expires_at) : Number.NaN;
  return {
    token: parsed.data.token,
    userId: parsed.data.user_id ?? undefined,
    expiresAt: Number.isFinite(expiry) ? expiry : Date.now() + ANONYMOUS_TOKEN_LIFE_MS,
    anonymous: true,
  };
}
