import type { z } from "zod";
import { AppError } from "../errors";
import type { UploadedFile } from "../uploads/files";
import { mediaTypeOf } from "../uploads/formats";
import { type Caller, fromUpstream, NemoCode, registrationLink } from "./errors";
import {
  AnonymousToken,
  ClaimToken,
  CreatedSession,
  Credits,
  PlatformEnvelope,
  RenderDownload,
  RenderJob,
  SessionState,
  UploadedFiles,
} from "./schemas";
import { readState, readUploads } from "./state";

/** The token a call is made with, and whose account it is. Never leaves the server. */
export interface Credentials extends Caller {
  token: string;
  expiresAt?: number;
}

/** A NemoVideo session: its ids, and its account when NemoVideo names it. */
export interface UpstreamSession {
  upstreamId: string;
  taskId: string;
  userId?: string;
}

/** Anonymous tokens live 7 days; NemoVideo may leave out `expires_at`. */
export const ANONYMOUS_TOKEN_LIFE_MS = 7 * 24 * 3600_000;

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

interface Call {
  method: "GET" | "POST";
  path: string;
  json?: unknown;
  /**
   * A streamed body. A stream can be sent only once, so such a call is never repeated, unless `body` is a function
   * that opens the same bytes again (a file kept in R2).
   */
  stream?: { body: ReadableStream<Uint8Array> | (() => Promise<ReadableStream<Uint8Array>>); contentType: string; length: number };
  accept?: string;
  /** Safe to repeat after a 5xx or a network failure (reads). */
  idempotent?: boolean;
  /** No time limit (chat turns, uploads, downloads). */
  long?: boolean;
}

type Outcome = { ok: true; response: Response; data?: unknown } | { ok: false; code?: number; status: number };

const TRANSIENT = new Set([408, 500, 502, 503, 504]);
const READ_RETRIES = 3;
const CALL_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The one door to NemoVideo: URLs, headers, envelopes and error codes live here and nowhere else.
 * Every call carries the attribution headers. A refused token (1001) is renewed and the call repeated once;
 * an HTTP 429 is repeated once after `retryAfterMs`; reads are repeated with backoff on 5xx and network
 * failures. A chat message is never sent twice once NemoVideo may have accepted it.
 */
export class NemoClient {
  constructor(
    private readonly options: NemoOptions,
    private readonly tokens: TokenSource,
  ) {}

  /** Opens a NemoVideo session: its ids, and the account it belongs to when NemoVideo says. */
  async createSession(language?: string): Promise<UpstreamSession> {
    const created = await this.json(CreatedSession, {
      method: "POST",
      path: "/api/tasks/me/with-session/nemo_agent",
      json: { task_name: "project", ...(language ? { language } : {}) },
    });
    return { upstreamId: created.session_id, taskId: created.task_id, userId: created.user_id ?? undefined };
  }

  /** A link that opens the project in NemoVideo's own editor; its claim token can do nothing else. */
  async claimLink(taskId: string, sessionId: string): Promise<string> {
    const claimed = await this.json(ClaimToken, {
      method: "POST",
      path: "/api/auth/claim-token",
      json: { task_id: taskId, session_id: sessionId },
    });
    return `https://nemovideo.com/workspace/claim?ct=${encodeURIComponent(claimed.claim_token)}`;
  }

  async credits() {
    const credits = await this.json(Credits, { method: "GET", path: "/api/credits/balance/simple", idempotent: true });
    const frozen = credits.frozen ?? 0;
    return { available: credits.available, frozen, total: credits.total ?? credits.available + frozen };
  }

  /** The session's draft (as NemoVideo keeps it, for a render), and its timeline and media in our terms. */
  async state(sessionId: string) {
    const state = await this.json(SessionState, {
      method: "GET",
      path: `/api/state/nemo_agent/me/${encodeURIComponent(sessionId)}/latest`,
      idempotent: true,
    });
    return readState(state.state);
  }

  /** Starts a chat turn: NemoVideo's event stream, and whose account it runs on (for the errors it may carry). */
  async runTurn(sessionId: string, text: string): Promise<{ events: ReadableStream<Uint8Array>; caller: Caller }> {
    const outcome = await this.exchange({
      method: "POST",
      path: "/run_sse",
      accept: "text/event-stream",
      long: true,
      json: {
        app_name: "nemo_agent",
        user_id: "me",
        session_id: sessionId,
        new_message: { parts: [{ text }] },
      },
    });
    if (!outcome.response.body || !isEventStream(outcome.response))
      throw new AppError("upstream_error", "NemoVideo answered in a way we did not expect. Please try again.");
    const { anonymous, userId } = outcome.credentials;
    return { events: outcome.response.body, caller: { anonymous, userId } };
  }

  /** Streams a multipart body (field `files`, as the person sent it) to NemoVideo without holding it. */
  async uploadFiles(sessionId: string, stream: NonNullable<Call["stream"]>): Promise<UploadedFile[]> {
    return readUploads(await this.json(UploadedFiles, { method: "POST", path: uploadPath(sessionId), stream, long: true }));
  }

  /**
   * Sends one stored file as NemoVideo's multipart body, streamed from `open()`; opened afresh for each attempt,
   * so the call may be repeated after a renewed token or a 429.
   */
  async uploadStoredFile(
    sessionId: string,
    file: { name: string; size: number; open: () => Promise<ReadableStream<Uint8Array>> },
  ): Promise<UploadedFile[]> {
    const boundary = `----promptreel-${crypto.randomUUID()}`;
    const encoder = new TextEncoder();
    const head = encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${file.name.replace(/["\r\n\\]/g, "_")}"\r\nContent-Type: ${mediaTypeOf(file.name)}\r\n\r\n`,
    );
    const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
    const body = async () => {
      const content = await file.open();
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      (async () => {
        const writer = writable.getWriter();
        await writer.write(head);
        writer.releaseLock();
        await content.pipeTo(writable, { preventClose: true });
        const closer = writable.getWriter();
        await closer.write(tail);
        await closer.close();
      })().catch((error) => writable.abort(error).catch(() => {}));
      return readable;
    };
    return this.uploadFiles(sessionId, {
      body,
      contentType: `multipart/form-data; boundary=${boundary}`,
      length: head.length + file.size + tail.length,
    });
  }

  async uploadUrls(sessionId: string, urls: string[]): Promise<UploadedFile[]> {
    const uploaded = await this.json(UploadedFiles, {
      method: "POST",
      path: uploadPath(sessionId),
      json: { urls, source_type: "url" },
      long: true,
    });
    return readUploads(uploaded);
  }

  /**
   * Submits a render. `"duplicate"` when NemoVideo refuses the id as already used (HTTP 409): the caller retries
   * once under a new id. (Some documents say a duplicate returns the existing job instead; that is a plain answer.)
   */
  async submitRender(job: { id: string; sessionId: string; draft: unknown; format: string; quality: string }) {
    try {
      return await this.json(RenderJob, {
        method: "POST",
        path: "/api/render/proxy/lambda",
        json: {
          id: job.id,
          sessionId: job.sessionId,
          draft: job.draft,
          output: { format: job.format, quality: job.quality },
        },
      });
    } catch (error) {
      if (error instanceof AppError && error.code === "turn_running") return "duplicate" as const;
      throw error;
    }
  }

  /**
   * Starts a render of `draft` under a fresh `render_<ts>` id, as NemoVideo's own client names them; an id refused
   * as already used is retried once under `render_<ts>_<random>`. Answers the id and the job as first reported.
   */
  async startRender(render: { sessionId: string; draft: unknown; format: string; quality: string }) {
    for (let attempt = 0; ; attempt++) {
      const id = attempt === 0 ? `render_${Date.now()}` : `render_${Date.now()}_${crypto.randomUUID().slice(0, 8)}`;
      const job = await this.submitRender({ id, ...render });
      if (job !== "duplicate") return { renderId: id, job };
      if (attempt >= 1)
        throw new AppError("upstream_error", "NemoVideo refused to start this export. Please try again in a moment.");
    }
  }

  /**
   * A finished render's file, streamed: from its output URL when NemoVideo gave one, else from the render
   * proxy's download endpoint (the file itself, a redirect to it, or JSON naming it). `range` is passed on.
   */
  async renderFile(renderId: string, url: string | undefined, range?: string): Promise<Response> {
    const headers: Record<string, string> = range ? { Range: range } : {};
    if (!url) {
      const answer = await this.exchange({
        method: "GET",
        path: `/api/render/proxy/${encodeURIComponent(renderId)}/download`,
        idempotent: true,
        long: true,
      });
      if (answer.data === undefined) return answer.response;
      const named = RenderDownload.safeParse(answer.data);
      if (!named.success)
        throw new AppError("upstream_error", "NemoVideo didn't say where the finished video is. Please export again.");
      url = named.data.url;
    }
    const target = new URL(url, this.options.base);
    const request = new Request(target, { headers, redirect: "follow" });
    const sameOrigin = target.origin === new URL(this.options.base).origin;
    let response: Response;
    try {
      response = await (sameOrigin ? this.options.fetcher(request) : fetch(request));
    } catch {
      throw new AppError("upstream_unavailable", "The finished video can't be fetched from NemoVideo right now. Please try again.");
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AppError("upstream_unavailable", "The finished video can't be fetched from NemoVideo right now. Please try again.");
    }
    return response;
  }

  async render(id: string) {
    return this.json(RenderJob, {
      method: "GET",
      path: `/api/render/proxy/lambda/${encodeURIComponent(id)}`,
      idempotent: true,
    });
  }

  async cancelRender(id: string) {
    await this.exchange({ method: "POST", path: `/api/render/proxy/lambda/${encodeURIComponent(id)}/cancel` });
  }

  private async json<S extends z.ZodType>(schema: S, call: Call): Promise<z.output<S>> {
    const outcome = await this.exchange(call);
    const parsed = schema.safeParse(outcome.data);
    if (!parsed.success)
      throw new AppError("upstream_error", "NemoVideo answered in a way we did not expect. Please try again.");
    return parsed.data;
  }

  private async exchange(call: Call): Promise<Extract<Outcome, { ok: true }> & { credentials: Credentials }> {
    let credentials = await this.tokens.current();
    let renewed = false;
    let waitedForRateLimit = false;
    let attempt = 0;
    for (;;) {
      let response: Response;
      try {
        response = await this.send(call, credentials.token);
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (call.idempotent && attempt < READ_RETRIES) {
          await sleep(this.options.backoffMs * 2 ** attempt++);
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
      if (TRANSIENT.has(response.status) && call.idempotent && attempt < READ_RETRIES) {
        await response.body?.cancel();
        await sleep(this.options.backoffMs * 2 ** attempt++);
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
      signal: call.long ? undefined : AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    return this.options.fetcher(request);
  }
}

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

export function attributionHeaders(attribution: NemoOptions["attribution"]): Record<string, string> {
  return {
    "X-Skill-Source": attribution.source,
    "X-Skill-Version": attribution.version,
    "X-Skill-Platform": attribution.platform,
  };
}

const uploadPath = (sessionId: string) => `/api/upload-video/nemo_agent/me/${encodeURIComponent(sessionId)}`;

const isEventStream = (response: Response) =>
  (response.headers.get("Content-Type") ?? "").toLowerCase().includes("text/event-stream");

/**
 * Reads any of NemoVideo's three envelopes: `{"code","message","data"}` (an error may come with HTTP 200 or a
 * 4xx), the render proxy's `{"success","data"|"error"}`, or a bare object.
 */
async function readOutcome(response: Response): Promise<Outcome> {
  const outcome = await readEnvelope(response);
  // A bare 401 means the same as 1001: the token was refused.
  if (!outcome.ok && outcome.code === undefined && outcome.status === 401) return { ...outcome, code: NemoCode.badToken };
  return outcome;
}

async function readEnvelope(response: Response): Promise<Outcome> {
  if (isEventStream(response) && response.ok) return { ok: true, response };
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
