import { AppError } from "../errors";
import { ClaimToken, CreatedSession, Credits, RenderAnswer, RenderDownload, SessionState, UploadedFiles } from "./envelopes";
import { unexpectedAnswer } from "./errors";
import { mediaTypeOf } from "./formats";
import type { Caller, UpstreamSession, UploadedFile } from "./shapes";
import { readState, readUploads } from "./state";
import { type Call, isEventStream, type NemoOptions, type TokenSource, Transport } from "./transport";

/**
 * The one door to NemoVideo: URLs, headers, envelopes and error codes live here and nowhere else.
 * Every call carries the attribution headers. A refused token (1001) is renewed and the call repeated once;
 * an HTTP 429 is repeated once after `retryAfterMs`; reads are repeated once after a 408, a 5xx or a network
 * failure. A chat message is never sent twice once NemoVideo may have accepted it.
 */
export class NemoClient {
  private readonly transport: Transport;

  constructor(
    private readonly options: NemoOptions,
    tokens: TokenSource,
  ) {
    this.transport = new Transport(options, tokens);
  }

  /** Opens a NemoVideo session: its ids, and the account it belongs to when NemoVideo says. */
  async createSession(language?: string): Promise<UpstreamSession> {
    const created = await this.transport.json(CreatedSession, {
      method: "POST",
      path: "/api/tasks/me/with-session/nemo_agent",
      json: { task_name: "project", ...(language ? { language } : {}) },
    });
    return { upstreamId: created.session_id, taskId: created.task_id, userId: created.user_id ?? undefined };
  }

  /** A link that opens the project in NemoVideo's own editor; its claim token can do nothing else. */
  async claimLink(taskId: string, sessionId: string): Promise<string> {
    const claimed = await this.transport.json(ClaimToken, {
      method: "POST",
      path: "/api/auth/claim-token",
      json: { task_id: taskId, session_id: sessionId },
    });
    return `https://nemovideo.com/workspace/claim?ct=${encodeURIComponent(claimed.claim_token)}`;
  }

  async credits() {
    const credits = await this.transport.json(Credits, { method: "GET", path: "/api/credits/balance/simple", idempotent: true });
    const frozen = credits.frozen ?? 0;
    return { available: credits.available, frozen, total: credits.total ?? credits.available + frozen };
  }

  /** The session's draft (as NemoVideo keeps it, for a render), and its timeline and media in our terms. */
  async state(sessionId: string) {
    const state = await this.transport.json(SessionState, {
      method: "GET",
      path: `/api/state/nemo_agent/me/${encodeURIComponent(sessionId)}/latest`,
      idempotent: true,
    });
    return readState(state.state);
  }

  /** Starts a chat turn: NemoVideo's event stream, and whose account it runs on (for the errors it may carry). */
  async runTurn(sessionId: string, text: string): Promise<{ events: ReadableStream<Uint8Array>; caller: Caller }> {
    const outcome = await this.transport.exchange({
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
      throw unexpectedAnswer();
    const { anonymous, userId } = outcome.credentials;
    return { events: outcome.response.body, caller: { anonymous, userId } };
  }

  /** Streams a multipart body (field `files`, as the person sent it) to NemoVideo without holding it. */
  async uploadFiles(sessionId: string, stream: NonNullable<Call["stream"]>): Promise<UploadedFile[]> {
    return readUploads(await this.transport.json(UploadedFiles, { method: "POST", path: uploadPath(sessionId), stream, long: true }));
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
    const uploaded = await this.transport.json(UploadedFiles, {
      method: "POST",
      path: uploadPath(sessionId),
      json: { urls, source_type: "url" },
      long: true,
    });
    return readUploads(uploaded);
  }

  /**
   * Submits a render. `"refused"` when NemoVideo refuses it (HTTP 409 for an id already used; any other 4xx, or
   * `{"success":false}` with HTTP 200, which says no more): the caller tries once more under a new id.
   */
  async submitRender(job: { id: string; sessionId: string; draft: unknown; format: string; quality: string }) {
    try {
      return await this.transport.json(RenderAnswer, {
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
      if (error instanceof AppError && (error.code === "turn_running" || error.code === "upstream_error")) return "refused" as const;
      throw error;
    }
  }

  /**
   * Starts a render of `draft` under an id of its own, `render_<ts>_<8 hex>`: a timestamp alone is shared by two
   * exports in the same millisecond, and with one operator token their visitors would share a render. NemoVideo
   * may refuse an id, or answer a used one with the job that holds it; an answer about another job is not our
   * render. Either way, once more under a new id. Answers the id and the job as first reported.
   */
  async startRender(render: { sessionId: string; draft: unknown; format: string; quality: string }) {
    for (let attempt = 0; ; attempt++) {
      const id = `render_${Date.now()}_${crypto.randomUUID().slice(0, 8)}`;
      const job = await this.submitRender({ id, ...render });
      if (job !== "refused" && (job.id === "" || job.id === id)) return { renderId: id, job };
      if (attempt >= 1)
        throw new AppError("upstream_error", "NemoVideo refused to start this export. Please try again in a moment.");
    }
  }

  /**
   * A finished render's file, streamed whole: from its output URL when NemoVideo gave one, else from the render
   * proxy's download endpoint, which answers with the file itself, a redirect to it, or JSON naming it. The file's
   * own address is fetched without our token.
   */
  async renderFile(renderId: string, url: string | undefined): Promise<Response> {
    if (!url) {
      const answer = await this.transport.exchange({
        method: "GET",
        path: `/api/render/proxy/${encodeURIComponent(renderId)}/download`,
        idempotent: true,
        long: true,
        download: true,
      });
      const location = answer.response.headers.get("Location");
      if (answer.data === undefined && !location) return answer.response;
      if (location) await answer.response.body?.cancel();
      url = location ?? RenderDownload.safeParse(answer.data).data?.url;
      if (!url) throw new AppError("upstream_error", "NemoVideo didn't say where the finished video is. Please export again.");
    }
    const target = new URL(url, this.options.base);
    const request = new Request(target, { redirect: "follow" });
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
    return this.transport.json(RenderAnswer, {
      method: "GET",
      path: `/api/render/proxy/lambda/${encodeURIComponent(id)}`,
      idempotent: true,
    });
  }

  async cancelRender(id: string) {
    await this.transport.exchange({ method: "POST", path: `/api/render/proxy/lambda/${encodeURIComponent(id)}/cancel` });
  }
}

const uploadPath = (sessionId: string) => `/api/upload-video/nemo_agent/me/${encodeURIComponent(sessionId)}`;
