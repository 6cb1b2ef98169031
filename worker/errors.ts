import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Stable error codes of the public API. Each has an HTTP status; the sentence is chosen where it is raised. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  not_found: 404,
  turn_running: 409,
  upload_incomplete: 409,
  session_lost: 410,
  upload_stalled: 408,
  length_required: 411,
  file_too_large: 413,
  body_too_large: 413,
  unsupported_format: 415,
  no_credits: 402,
  export_blocked: 402,
  export_not_ready: 409,
  idempotency_in_progress: 409,
  idempotency_key_reused: 422,
  rate_limited: 429,
  quota_exceeded: 429,
  accounts_exhausted: 503,
  upstream_error: 502,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  misconfigured: 500,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * A 429 or a 503 says "not now", so it always says when (`retryAt`, and `Retry-After` on the answer): the moment
 * its raiser knows, else this soon.
 */
export const RETRY_SOON_MS = 30_000;
const passes = (status: number) => status === 429 || status === 503;

/** An error as it is answered: the body of every error, and the data of the SSE `error` event. */
export interface ErrorJson {
  code: ErrorCode;
  message: string;
  link?: string;
  /** When trying again makes sense (epoch ms), for a refusal that passes. */
  retryAt?: number;
}

/**
 * The one error type: a stable `code`, a sentence for a person, and optionally a link that is the way out
 * (registration on 2001, for instance) and the moment a refusal passes (always, for a 429 or a 503). Both the HTTP error body and the SSE
 * `error` event come from it.
 */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  readonly retryAt?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly link?: string,
    retryAt?: number,
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
    this.retryAt = retryAt ?? (passes(this.status) ? Date.now() + RETRY_SOON_MS : undefined);
  }

  toJSON(): ErrorJson {
    return {
      code: this.code,
      message: this.message,
      ...(this.link ? { link: this.link } : {}),
      ...(this.retryAt ? { retryAt: this.retryAt } : {}),
    };
  }
}

/**
 * What a Durable Object answers across RPC for work that may be refused: the value, or the refusal in words.
 * A refusal is an answer, not an exception: thrown across RPC it would keep only its message and be counted as
 * the Object failing.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorJson };

/** Runs `work` in a Durable Object: its value, or the AppError it refused with. Anything else still throws. */
export async function outcomeOf<T>(work: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.toJSON() };
    throw error;
  }
}

/**
 * The value of an Outcome, or its refusal thrown as the AppError it was.
 * @example const record = settle(await stub.exportStart(visitorId, sessionId, output));
 */
export function settle<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const { code, message, link, retryAt } = outcome.error;
  throw new AppError(code, message, link, retryAt);
}

/** Refusals that say "not now" rather than "no": worth another try after a pause. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set(["upstream_unavailable", "upstream_timeout", "rate_limited"]);
export const isTransient = (error: AppError) => TRANSIENT.has(error.code);

export const notFound = (what = "That") =>
  new AppError("not_found", `${what} was not found. It may belong to another visitor or no longer exist.`);

/** Any thrown value as an AppError; unknown errors keep their details out of the answer. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // Hono's validators and the OpenAPI media-type gate refuse a body this way.
  if (error instanceof HTTPException) {
    if (error.status === 415)
      return new AppError("unsupported_format", "This call takes a JSON body (Content-Type: application/json).");
    if (error.status === 400)
      return new AppError("invalid_request", `The request is not valid (${error.message || "unreadable body"}).`);
  }
  return new AppError("internal", "Something went wrong on our side. Please try again.");
}
