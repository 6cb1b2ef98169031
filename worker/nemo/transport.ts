import type { z } from "zod";
import { AppError } from "../errors";
import { PlatformEnvelope } from "./envelopes";
import { fromUpstream, NemoCode, unexpectedAnswer } from "./errors";
import type { Credentials } from "./shapes";

/** Where tokens come from: the visitor's Durable Object, which serialises renewals. */
export interface TokenSource {
  current(): Promise<Credentials>;
  /** A fresh token after `stale` was refused with 1001. */
  renew(stale: Credentials): Promise<Credentials>;
}

export interface NemoOptions {
  base: string;
  attribution: { source: string; version: string; platform: string };
  /** `fetch`, or the emulator's service binding in development and tests. */
  fetcher: (request: Request) => Promise<Response>;
  retryAfterMs: number;
  backoffMs: number;
}

export interface Call {
  method: "GET" | "POST";
  path: string;
  json?: unknown;
  /**
   * A streamed body. A stream can be sent only once, so such a call is never repeated, unless `body` is a function
   * that opens the same bytes again (a file kept in R2).
   */
  stream?: { body: ReadableStream<Uint8Array> | (() => Promise<ReadableStream<Uint8Array>>); contentType: string; length: number };
  accept?: string;
  /** Safe to repeat after a 408, a 5xx or a network failure (reads). */
  idempotent?: boolean;
  /** No time limit (chat turns, uploads, downloads). */
  long?: boolean;
  /** A file: a redirect is answered as it is (to be followed without our token). */
  download?: true;
}

type Outcome = { ok: true; response: Response; data?: unknown } | { ok: false; code?: number; status: number };
export type Answer = Extract<Outcome, { ok: true }> & { credentials: Credentials };

/**
 * 408 and any 5xx, the edge's 52x pages in front of NemoVideo included: with network failures (and 429, waited out
 * on its own), what NemoVideo's own client retries. A read is repeated once, after a pause; never a call that may
 * have been taken (a chat message would be charged again).
 */
const isTransient = (status: number) => status === 408 || status >= 500;
export const CALL_TIMEOUT_MS = 30_000;
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function attributionHeaders(attribution: NemoOptions["attribution"]): Record<string, string> {
  return {
    "X-Skill-Source": attribution.source,
    "X-Skill-Version": attribution.version,
    "X-Skill-Platform": attribution.platform,
  };
}

export const isEventStream = (response: Response) =>
  (response.headers.get("Content-Type") ?? "").toLowerCase().includes("text/event-stream");

/**
 * How a call reaches NemoVideo: every call carries the attribution headers and the token. A refused token (1001)
 * is renewed and the call repeated once; an HTTP 429 is repeated once after `retryAfterMs`; a read is repeated
 * once, after `backoffMs`, on a 408, a 5xx or a network failure. A streamed body is never sent twice unless it can
 * be opened again.
 */
export class Transport {
  constructor(
    readonly options: NemoOptions,
    private readonly tokens: TokenSource,
  ) {}

  async json<S extends z.ZodType>(schema: S, call: Call): Promise<z.output<S>> {
    const outcome = await this.exchange(call);
    const parsed = schema.safeParse(outcome.data);
    if (!parsed.success) throw unexpectedAnswer();
    return parsed.data;
  }

  async exchange(call: Call): Promise<Answer> {
    let credentials = await this.tokens.current();
    let renewed = false;
    let waitedForRateLimit = false;
    let retried = false;
    for (;;) {
      let response: Response;
      try {
        response = await this.send(call, credentials.token);
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (call.idempotent && !retried) {
          retried = true;
          await sleep(this.options.backoffMs);
          continue;
        }
        throw new AppError("upstream_unavailable", "NemoVideo can't be reached right now. Please try again in a moment.");
      }
      const repeatable = !call.stream || typeof call.stream.body === "function";
      if (response.status === 429 && repeatable && !waitedForRateLimit) {
        waitedForRateLimit = true;
        await response.body?.cancel();
        await sleep(this.options.retryAfterMs);
        continue;
      }
      if (isTransient(response.status) && call.idempotent && !retried) {
        retried = true;
        await response.body?.cancel();
        await sleep(this.options.backoffMs);
        continue;
      }
      const outcome = await readOutcome(response);
      if (outcome.ok) return { ...outcome, credentials };
      if (outcome.code === NemoCode.badToken && !renewed) {
        renewed = true;
        credentials = await this.tokens.renew(credentials);
        if (repeatable) continue;
        throw new AppError(
          "upstream_unavailable",
          "Your NemoVideo sign-in was renewed while the file was on its way. Please send the file again.",
        );
      }
      throw fromUpstream(outcome.code, outcome.status, credentials);
    }
  }

  private async send(call: Call, token: string): Promise<Response> {
    const headers = new Headers(attributionHeaders(this.options.attribution));
    headers.set("Authorization", `Bearer ${token}`);
    if (call.accept) headers.set("Accept", call.accept);
    let body: BodyInit | undefined;
    if (call.json !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(call.json);
    } else if (call.stream) {
      headers.set("Content-Type", call.stream.contentType);
      // A fixed length keeps Content-Length on the upstream request instead of chunked encoding.
      const fixed = new FixedLengthStream(call.stream.length);
      const source = typeof call.stream.body === "function" ? await call.stream.body() : call.stream.body;
      source.pipeTo(fixed.writable).catch(() => {});
      body = fixed.readable;
    }
    const request = new Request(new URL(call.path, this.options.base), {
      method: call.method,
      headers,
      body,
      redirect: call.download ? "manual" : "follow",
      signal: call.long ? undefined : AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    return this.options.fetcher(request);
  }
}

/**
 * Reads any of NemoVideo's three envelopes: `{"code","message","data"}` (an error may come with HTTP 200 or a
 * 4xx), the render proxy's `{"success","data"|"error"}`, or a bare object.
 */
export async function readOutcome(response: Response): Promise<Outcome> {
  const outcome = await readEnvelope(response);
  // A bare 401 means the same as 1001: the token was refused.
  if (!outcome.ok && outcome.code === undefined && outcome.status === 401) return { ...outcome, code: NemoCode.badToken };
  return outcome;
}

async function readEnvelope(response: Response): Promise<Outcome> {
  if (isEventStream(response) && response.ok) return { ok: true, response };
  // A download's answer may be a redirect to the file.
  if (response.status >= 300 && response.status < 400 && response.headers.has("Location")) return { ok: true, response };
  const type = (response.headers.get("Content-Type") ?? "").toLowerCase();
  if (!type.includes("json")) {
    if (response.ok) return { ok: true, response };
    await response.body?.cancel();
    return { ok: false, status: response.status };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { ok: false, status: response.ok ? 502 : response.status };
  }
  const platform = PlatformEnvelope.safeParse(body);
  if (platform.success) {
    if (platform.data.code === NemoCode.ok && response.ok) return { ok: true, response, data: platform.data.data };
    return { ok: false, code: platform.data.code || undefined, status: response.status };
  }
  if (body && typeof body === "object" && "success" in body) {
    const proxy = body as { success: unknown; data?: unknown };
    if (proxy.success === true && response.ok) return { ok: true, response, data: proxy.data };
    return { ok: false, status: response.status };
  }
  return response.ok ? { ok: true, response, data: body } : { ok: false, status: response.status };
}
