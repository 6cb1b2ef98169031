import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { requestAnonymousToken } from "../../worker/nemo/anonymous";
import { NemoClient } from "../../worker/nemo/client";
import { upstreamEvents } from "../../worker/nemo/events";
import { FORMATS_SENTENCE } from "../../worker/nemo/formats";
import type { Credentials } from "../../worker/nemo/shapes";
import type { NemoOptions, TokenSource } from "../../worker/nemo/transport";
import { appErrorOf, emulator } from "../helpers";

// The NemoVideo client against the real emulator Worker, built as `worker/upstream.ts#nemoOptions` builds it.
const upstream = (env as unknown as { NEMO_EMULATOR: Fetcher }).NEMO_EMULATOR;
const ATTRIBUTION = { source: "promptreel-tests", version: "9.9.9", platform: "vitest" };
const ATTRIBUTION_HEADERS = ["X-Skill-Source", "X-Skill-Version", "X-Skill-Platform"];
const RETRY_AFTER_MS = 30;
const BACKOFF_MS = 10;

const options = (overrides: Partial<NemoOptions> = {}): NemoOptions => ({
  base: "http://nemo.emulator",
  attribution: ATTRIBUTION,
  fetcher: (request) => upstream.fetch(request),
  retryAfterMs: RETRY_AFTER_MS,
  backoffMs: BACKOFF_MS,
  ...overrides,
});

/** A fetcher that loses the attribution headers on the way, as a misconfigured relay would. */
const unattributed = (request: Request) => {
  const stripped = new Request(request);
  for (const name of ATTRIBUTION_HEADERS) stripped.headers.delete(name);
  return upstream.fetch(stripped);
};

/** A fetcher that cannot reach NemoVideo for the first `failures` requests to a path containing `fragment`. */
function unreachable(fragment: string, failures: number) {
  const fetcher = (request: Request) => {
    fetcher.calls += 1;
    if (new URL(request.url).pathname.includes(fragment) && failures-- > 0)
      return Promise.reject(new TypeError("Network connection lost."));
    return upstream.fetch(request);
  };
  fetcher.calls = 0;
  return fetcher;
}

/** A visitor as the Durable Object keeps one: an anonymous token for a stable client id, renewed after a 1001. */
function anonymousVisitor(nemo = options()) {
  const clientId = crypto.randomUUID();
  let credentials: Credentials | undefined;
  const issue = async (): Promise<Credentials> => {
    const issued = await requestAnonymousToken(nemo, clientId);
    return { token: issued.token, userId: issued.userId, anonymous: true };
  };
  const tokens = {
    renewals: 0,
    current: async () => (credentials ??= await issue()),
    renew: async () => {
      tokens.renewals += 1;
      return (credentials = await issue());
    },
  } satisfies TokenSource & { renewals: number };
  return { clientId, tokens, client: new NemoClient(nemo, tokens) };
}

/** A registered NemoVideo account (an operator's `NEMO_TOKEN`). */
async function registeredClient(available: number) {
  const user = await emulator.call("/users", { method: "POST", json: { available } });
  const credentials: Credentials = { token: user.token, userId: user.userId, anonymous: false };
  return new NemoClient(options(), { current: async () => credentials, renew: async () => credentials });
}

/** The upstream requests whose path contains `fragment`, oldest first, with the emulator's arrival times. */
type Logged = Awaited<ReturnType<typeof emulator.requests>>[number] & { time: number };
const requestsTo = async (fragment: string) =>
  ((await emulator.requests()) as Logged[]).filter((request) => request.path.includes(fragment));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A draft with one video segment: enough for the render proxy to accept an export. */
const DRAFT = { t: [{ tt: 0, sg: [{ n: "fox in snow", s: 0, e: 5000, v: 1 }] }], d: 5000, m: { title: "Fox", width: 1280, height: 720 } };
const renderJob = (sessionId: string, draft: unknown = DRAFT) => ({
  id: `render_${Date.now()}_${crypto.randomUUID().slice(0, 8)}`,
  sessionId,
  draft,
  format: "mp4",
  quality: "high",
});

async function settledRender(client: NemoClient, id: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const job = await client.render(id);
    if (job.status === "completed" || job.status === "failed") return job;
    if (Date.now() > deadline) throw new Error(`render ${id} is still ${job.status}`);
    await sleep(15);
  }
}

beforeEach(async () => {
  await emulator.reset();
  // Fast turns and renders: a three-minute generation takes about a third of a second.
  await emulator.configure({ timeScale: 0.001 });
});

describe("what every call carries", () => {
  it("sends the attribution headers on every call, the anonymous-token request included", async () => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id, taskId: task_id } = await client.createSession("en");
    await client.credits();
    await client.state(session_id);
    await client.claimLink(task_id, session_id);
    await new Response((await client.runTurn(session_id, "hello, what can you do?")).events).text();
    await client.uploadUrls(session_id, ["https://example.com/beach.mp4"]);
    await client.submitRender(renderJob(session_id));

    const log = await emulator.requests();
    expect(log.map((r) => r.path)).toEqual([
      "/api/auth/anonymous-token",
      "/api/tasks/me/with-session/nemo_agent",
      "/api/credits/balance/simple",
      `/api/state/nemo_agent/me/${session_id}/latest`,
      "/api/auth/claim-token",
      "/run_sse",
      `/api/upload-video/nemo_agent/me/${session_id}`,
      "/api/render/proxy/lambda",
    ]);
    for (const request of log) {
      expect(request.headers["x-skill-source"], request.path).toBe("promptreel-tests");
      expect(request.headers["x-skill-version"], request.path).toBe("9.9.9");
      expect(request.headers["x-skill-platform"], request.path).toBe("vitest");
    }
  });

  it("identifies the visitor with X-Client-Id on anonymous-token only, and sends the token on everything else", async () => {
    const { client, clientId } = anonymousVisitor();
    await client.credits();
    const [tokenRequest, creditsRequest] = await emulator.requests();
    expect(tokenRequest.headers["x-client-id"]).toBe(clientId);
    expect(tokenRequest.headers.authorization).toBeUndefined();
    expect(creditsRequest.headers["x-client-id"]).toBeUndefined();
    expect(creditsRequest.headers.authorization).toMatch(/^Bearer nmv_usr_[A-Za-z0-9_-]{43}$/);
  });

  it("asks for the event stream on a chat turn", async () => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    await new Response((await client.runTurn(session_id, "hello?")).events).text();
    const [turn] = await requestsTo("/run_sse");
    expect(turn.headers.accept).toBe("text/event-stream");
  });
});

describe("reading NemoVideo's envelopes", () => {
  it("reads a platform success into our terms", async () => {
    const { client } = anonymousVisitor();
    expect(await client.credits()).toEqual({ available: 100, frozen: 0, total: 100 });
    const session = await client.createSession("en");
    expect(session.upstreamId).toMatch(/^\d{19}$/);
    expect(session.userId).toMatch(/^anon_/);
  });

  it.each([
    { errorStatus: "4xx", omitMessage: false },
    { errorStatus: "4xx", omitMessage: true },
    { errorStatus: "200", omitMessage: false },
    { errorStatus: "200", omitMessage: true },
  ])("reads a platform error code sent with HTTP $errorStatus (message left out: $omitMessage)", async (variant) => {
    await emulator.configure(variant);
    const { client } = anonymousVisitor();
    const error = await appErrorOf(client.state("1234567890123456789"));
    expect(error.code).toBe("session_lost");
    const [request] = await requestsTo("/api/state/");
    expect(request.status).toBe(variant.errorStatus === "200" ? 200 : 404);
  });

  it("works with an anonymous token that has no user_id or expires_at, and sessions without user_id", async () => {
    await emulator.configure({ omitOptionalFields: true });
    const issued = await requestAnonymousToken(options(), crypto.randomUUID());
    expect(issued.token).toMatch(/^nmv_usr_/);
    expect(issued.userId).toBeUndefined();
    // Without `expires_at` the documented 7-day life is assumed.
    expect(issued.expiresAt).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600_000);

    const { client } = anonymousVisitor();
    const session = await client.createSession();
    expect(session.userId).toBeUndefined();
    expect(await client.credits()).toEqual({ available: 100, frozen: 0, total: 100 });
  });

  it.each(["wrapped", "bare"])("reads the render proxy's answer %s", async (renderEnvelope) => {
    await emulator.configure({ renderEnvelope });
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    const job = renderJob(session_id);
    expect(await client.submitRender(job)).toEqual({ id: job.id, status: "pending", progress: 5 });
  });

  it.each([
    { renderShape: "a", renderEnvelope: "wrapped" },
    { renderShape: "a", renderEnvelope: "bare" },
    { renderShape: "b", renderEnvelope: "wrapped" },
    { renderShape: "b", renderEnvelope: "bare" },
  ])("reads poll shape $renderShape ($renderEnvelope) into one render job", async (variant) => {
    await emulator.configure(variant);
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    const submitted = await client.submitRender(renderJob(session_id));
    if (submitted === "refused") throw new Error("a fresh render id was refused");
    const { id } = submitted;
    const running = await client.render(id);
    expect(running.id).toBe(id);
    expect(["pending", "processing", "completed"]).toContain(running.status);
    expect(running.progress).toBeGreaterThanOrEqual(5);

    const done = await settledRender(client, id);
    expect(done).toMatchObject({ id, status: "completed", progress: 100, url: `http://nemo.emulator/render-result/${id}.mp4` });
    if (variant.renderShape === "a") expect(done.completedAt).toBeGreaterThanOrEqual(done.createdAt!);
  });
});

describe("errors, in a person's words", () => {
  it("renews a refused token (1001) once and repeats the call without the caller noticing", async () => {
    const { client, tokens, clientId } = anonymousVisitor();
    await client.credits();
    await emulator.fault("expire-token", { match: { path: "/api/credits" } });
    expect(await client.credits()).toEqual({ available: 100, frozen: 0, total: 100 });
    expect(tokens.renewals).toBe(1);

    const credits = await requestsTo("/api/credits");
    expect(credits.map((r) => r.status)).toEqual([200, 401, 200]);
    expect(credits[2].headers.authorization).not.toBe(credits[1].headers.authorization);
    const renewals = await requestsTo("/api/auth/anonymous-token");
    expect(renewals.map((r) => r.headers["x-client-id"])).toEqual([clientId, clientId]);
  });

  it("renews the token just the same when the 1001 comes with HTTP 200 and no message", async () => {
    await emulator.configure({ errorStatus: "200", omitMessage: true });
    const { client, tokens } = anonymousVisitor();
    await emulator.fault("expire-token");
    expect(await client.credits()).toEqual({ available: 100, frozen: 0, total: 100 });
    expect(tokens.renewals).toBe(1);
    expect((await requestsTo("/api/credits")).map((r) => r.status)).toEqual([200, 200]);
  });

  it("takes a bare HTTP 401 without an envelope for a refused token", async () => {
    const withoutEnvelope = async (request: Request) => {
      const response = await upstream.fetch(request);
      if (response.status !== 401) return response;
      await response.body?.cancel();
      return new Response("Unauthorized", { status: 401, headers: { "Content-Type": "text/plain" } });
    };
    const { client, tokens } = anonymousVisitor(options({ fetcher: withoutEnvelope }));
    await emulator.fault("expire-token");
    expect(await client.credits()).toEqual({ available: 100, frozen: 0, total: 100 });
    expect(tokens.renewals).toBe(1);
  });

  it("gives up after a second 1001, with one renewal only", async () => {
    const { client, tokens } = anonymousVisitor();
    await emulator.fault("expire-token", { times: 2 });
    const error = await appErrorOf(client.credits());
    expect(error.code).toBe("upstream_unavailable");
    expect(error.message).toBe("Your NemoVideo sign-in expired and could not be renewed just now. Please try again in a minute.");
    expect(tokens.renewals).toBe(1);
    expect(await requestsTo("/api/credits")).toHaveLength(2);
  });

  it("reports a project NemoVideo no longer has (1002) as session_lost", async () => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    await emulator.fault("lose-session", { match: { sessionId: session_id } });
    const error = await appErrorOf(client.state(session_id));
    expect(error.code).toBe("session_lost");
    expect(error.status).toBe(410);
    expect(error.message).toMatch(/timeline is gone/);
  });

  it("offers an anonymous visitor registration, bound to its NemoVideo user, when the credits run out (2001)", async () => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id, userId: user_id } = await client.createSession();
    await emulator.fault("no-credits");
    const error = await appErrorOf(client.runTurn(session_id, "generate a video of a fox"));
    expect(error.code).toBe("no_credits");
    expect(error.message).toBe("You've used all your free credits. Register with NemoVideo to get more and keep this project.");
    expect(error.link).toBe(`https://nemovideo.com/register?bind=${user_id}`);
    expect(user_id).toMatch(/^anon_/);
  });

  it("tells a registered account to top up, without a registration link (2001)", async () => {
    const client = await registeredClient(0);
    const { upstreamId: session_id } = await client.createSession();
    const error = await appErrorOf(client.runTurn(session_id, "generate a video of a fox"));
    expect(error.code).toBe("no_credits");
    expect(error.message).toBe("You've used all your credits. Top up your credits in your NemoVideo account.");
    expect(error.link).toBeUndefined();
  });

  it("passes a 2001 sent inside the event stream through as an error event", async () => {
    await emulator.configure({ creditsErrorForm: "event" });
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    await emulator.fault("no-credits");
    const events = [];
    for await (const event of upstreamEvents((await client.runTurn(session_id, "generate a video of a fox")).events)) events.push(event);
    expect(events).toContainEqual(expect.objectContaining({ type: "error", code: 2001 }));
  });

  it("names the supported formats when NemoVideo refuses a file (4001)", async () => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    const error = await appErrorOf(client.uploadUrls(session_id, ["https://example.com/notes.txt"]));
    expect(error.code).toBe("unsupported_format");
    expect(error.message).toBe(`NemoVideo can't use that file. ${FORMATS_SENTENCE}`);
  });

  it("suggests compressing or trimming a file NemoVideo finds too large (4002)", async () => {
    await emulator.configure({ maxUploadBytes: 16 });
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    const error = await appErrorOf(client.uploadFiles(session_id, upload([{ filename: "clip.mp4", content: "x".repeat(64) }])));
    expect(error.code).toBe("file_too_large");
    expect(error.message).toMatch(/compressing or trimming/);
  });

  it("says 'Register or upgrade your plan to unlock export.' when an export without attribution is refused (HTTP 402)", async () => {
    const nemo = options({ fetcher: unattributed });
    const { client } = anonymousVisitor(nemo);
    const { upstreamId: session_id, userId: user_id } = await client.createSession();
    const error = await appErrorOf(client.submitRender(renderJob(session_id)));
    expect(error.code).toBe("export_blocked");
    expect(error.message).toBe("Register or upgrade your plan to unlock export.");
    expect(error.link).toBe(`https://nemovideo.com/register?bind=${user_id}`);
    const [refused] = await requestsTo("/api/render/proxy/lambda");
    expect(refused.status).toBe(402);
    expect(refused.headers["x-skill-source"]).toBeUndefined();
  });

  it("waits retryAfterMs after an HTTP 429 and tries exactly once more", async () => {
    const { client } = anonymousVisitor(options({ retryAfterMs: 100 }));
    await client.credits();
    await emulator.fault("rate-limit", { match: { path: "/api/credits" } });
    expect(await client.credits()).toEqual({ available: 100, frozen: 0, total: 100 });
    const [, limited, retried] = await requestsTo("/api/credits");
    expect([limited.status, retried.status]).toEqual([429, 200]);
    expect(retried.time - limited.time).toBeGreaterThanOrEqual(100);
  });

  it("reports rate_limited after a second 429", async () => {
    const { client } = anonymousVisitor();
    await client.createSession();
    await emulator.fault("rate-limit", { times: 2, match: { path: "/api/credits" } });
    const error = await appErrorOf(client.credits());
    expect(error.code).toBe("rate_limited");
    expect(error.message).toBe("NemoVideo is getting too many requests from us right now. Please try again in a minute.");
    expect(await requestsTo("/api/credits")).toHaveLength(2);
  });

  it.each([
    { read: "credits", path: "/api/credits" },
    { read: "state", path: "/api/state/" },
    { read: "render poll", path: "/api/render/proxy/lambda/render_" },
  ])("retries a $read that failed with a 5xx once, after a pause", async ({ read, path }) => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    const job = renderJob(session_id);
    await client.submitRender(job);
    await emulator.fault("server-error", { match: { path } });
    const reads = { credits: () => client.credits(), state: () => client.state(session_id), "render poll": () => client.render(job.id) };
    await reads[read as keyof typeof reads]();
    const attempts = await requestsTo(path);
    expect(attempts.map((r) => r.status)).toEqual([503, 200]);
    expect(attempts[1].time - attempts[0].time).toBeGreaterThanOrEqual(BACKOFF_MS);
  });

  it.each([408, 501, 520, 521, 522, 523, 524, 525, 526, 527])(
    "retries a read once after an HTTP %i from NemoVideo or the edge in front of it, and answers",
    async (status) => {
      const { client } = anonymousVisitor();
      await client.credits();
      await emulator.fault(status >= 520 ? "edge-error" : "server-error", { match: { path: "/api/credits" }, params: { status } });
      expect(await client.credits()).toEqual({ available: 100, frozen: 0, total: 100 });
      expect((await requestsTo("/api/credits")).map((r) => r.status)).toEqual([200, status, 200]);
    },
  );

  it("gives up on a read after its one retry with upstream_unavailable", async () => {
    const { client } = anonymousVisitor();
    await client.createSession();
    await emulator.fault("edge-error", { times: 10, match: { path: "/api/credits" } });
    const error = await appErrorOf(client.credits());
    expect(error.code).toBe("upstream_unavailable");
    expect(error.message).toBe("NemoVideo is not answering right now. Please try again in a moment.");
    expect(await requestsTo("/api/credits")).toHaveLength(2);
  });

  it("retries a read that could not reach NemoVideo, once", async () => {
    const fetcher = unreachable("/api/credits", 1);
    const { client } = anonymousVisitor(options({ fetcher }));
    expect(await client.credits()).toEqual({ available: 100, frozen: 0, total: 100 });
    expect(fetcher.calls).toBe(3);
    const down = unreachable("/api/credits", 2);
    const error = await appErrorOf(anonymousVisitor(options({ fetcher: down })).client.credits());
    expect(error.code).toBe("upstream_unavailable");
    expect(down.calls).toBe(3);
  });

  it("never resends a chat message after a network failure", async () => {
    const fetcher = unreachable("/run_sse", 1);
    const { client } = anonymousVisitor(options({ fetcher }));
    const { upstreamId: session_id } = await client.createSession();
    const error = await appErrorOf(client.runTurn(session_id, "generate a video of a fox"));
    expect(error.code).toBe("upstream_unavailable");
    expect(fetcher.calls).toBe(3);
  });

  it("never repeats a new project after a 5xx", async () => {
    const { client } = anonymousVisitor();
    await client.credits();
    await emulator.fault("server-error", { match: { path: "/api/tasks" } });
    const error = await appErrorOf(client.createSession());
    expect(error.code).toBe("upstream_unavailable");
    expect(await requestsTo("/api/tasks")).toHaveLength(1);
  });

  it.each([500, 501, 520, 524])("never sends a chat message twice after an HTTP %i: it may have been accepted and charged", async (status) => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    await emulator.fault(status >= 520 ? "edge-error" : "server-error", { times: 3, match: { path: "/run_sse" }, params: { status } });
    const error = await appErrorOf(client.runTurn(session_id, "generate a video of a fox"));
    expect(error.code).toBe("upstream_unavailable");
    expect(await requestsTo("/run_sse")).toHaveLength(1);
  });

  it("waits as long as a slow chat turn takes to start answering", async () => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    await emulator.fault("slow", { match: { path: "/run_sse" }, params: { ms: 150 } });
    const events = [];
    for await (const event of upstreamEvents((await client.runTurn(session_id, "generate a video of a fox")).events)) events.push(event);
    expect(events).toContainEqual(expect.objectContaining({ type: "text" }));
    expect(await requestsTo("/run_sse")).toHaveLength(1);
  });
});

describe("free anonymous tokens", () => {
  it("asks once: a 429 is answered at once as accounts_exhausted, never waited out and asked again", async () => {
    await emulator.fault("rate-limit", { match: { path: "/api/auth/anonymous-token" } });
    const started = Date.now();
    const error = await appErrorOf(requestAnonymousToken(options({ retryAfterMs: 5_000 }), crypto.randomUUID()));
    expect(error.code).toBe("accounts_exhausted");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await requestsTo("/api/auth/anonymous-token")).map((r) => r.status)).toEqual([429]);
  });

  it("a second token for the same client id is refused the same way, asked for once", async () => {
    const clientId = crypto.randomUUID();
    await requestAnonymousToken(options(), clientId);
    expect((await appErrorOf(requestAnonymousToken(options(), clientId))).code).toBe("accounts_exhausted");
    expect((await requestsTo("/api/auth/anonymous-token")).map((r) => r.status)).toEqual([200, 429]);
  });
});

describe("a render's life", () => {
  it("exports the draft of a generated video, follows its progress and hands back the file's address", async () => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession("en");
    const reply = await new Response((await client.runTurn(session_id, "generate a video of a fox")).events).text();
    expect(reply).toContain("generate_video_with_seedance");
    const { draft, timeline } = await client.state(session_id);
    expect(draft).toMatchObject({ t: expect.arrayContaining([expect.objectContaining({ tt: 0 })]) });
    expect(timeline.tracks.map((track) => track.kind)).toContain("video");

    const job = renderJob(session_id, draft);
    expect(await client.submitRender(job)).toEqual({ id: job.id, status: "pending", progress: 5 });
    const seen = new Set<string>();
    let last = 0;
    const deadline = Date.now() + 5000;
    let current = await client.render(job.id);
    while (current.status !== "completed" && Date.now() < deadline) {
      seen.add(current.status);
      expect(current.progress).toBeGreaterThanOrEqual(last);
      last = current.progress;
      await sleep(10);
      current = await client.render(job.id);
    }
    expect(current).toMatchObject({ id: job.id, status: "completed", progress: 100 });
    expect(current.url).toBe(`http://nemo.emulator/render-result/${job.id}.mp4`);
    expect([...seen].every((status) => status === "pending" || status === "processing")).toBe(true);

    const file = await upstream.fetch(current.url!);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toContain("video/mp4");
    await file.body?.cancel();
  });

  it("cancels a running render, which then reports failed without a file", async () => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    const job = renderJob(session_id);
    await client.submitRender(job);
    await client.cancelRender(job.id);
    const cancelled = await client.render(job.id);
    expect(cancelled).toMatchObject({ id: job.id, status: "failed", error: "cancelled" });
    expect(cancelled.url).toBeUndefined();
  });
});

/** A small multipart body in field `files`, as a stream with its length. */
function upload(files: { filename: string; content: string }[]) {
  const boundary = "----PromptReelClientTest";
  const text =
    files
      .map(
        ({ filename, content }) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${filename}"\r\n` +
          `Content-Type: application/octet-stream\r\n\r\n${content}\r\n`,
      )
      .join("") + `--${boundary}--\r\n`;
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, (offset += 100)));
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, length: bytes.length };
}

describe("uploads through the client", () => {
  it("adds media by address", async () => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    const files = await client.uploadUrls(session_id, ["https://example.com/media/beach.mp4"]);
    expect(files).toEqual([expect.objectContaining({ name: "beach.mp4", kind: "video", url: expect.any(String) })]);
    const { media } = await client.state(session_id);
    expect(media).toHaveLength(1);
  });

  it("streams files in a multipart body with its exact length", async () => {
    const { client } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    const body = upload([
      { filename: "clip.mp4", content: "MP4-BYTES-".repeat(50) },
      { filename: "song.mp3", content: "ID3-BYTES-".repeat(30) },
    ]);
    const files = await client.uploadFiles(session_id, body);
    expect(files.map((file) => [file.name, file.kind])).toEqual([
      ["clip.mp4", "video"],
      ["song.mp3", "audio"],
    ]);
    const [request] = await requestsTo("/api/upload-video/");
    expect(request.headers["content-length"]).toBe(String(body.length));
    const { uploads } = await emulator.call("/uploads");
    expect(uploads).toEqual([expect.objectContaining({ totalBytes: body.length })]);
    expect(uploads[0].files.map((file: { bytes: number }) => file.bytes)).toEqual([500, 300]);
  });

  it("never sends a file twice: after a 1001 the token is renewed and the person is asked to send it again", async () => {
    const { client, tokens } = anonymousVisitor();
    const { upstreamId: session_id } = await client.createSession();
    await emulator.fault("expire-token", { match: { path: "/api/upload-video/" } });
    const error = await appErrorOf(client.uploadFiles(session_id, upload([{ filename: "clip.mp4", content: "x".repeat(200) }])));
    expect(error.code).toBe("upstream_unavailable");
    expect(error.message).toMatch(/send the file again/);
    expect(tokens.renewals).toBe(1);
    expect(await requestsTo("/api/upload-video/")).toHaveLength(1);
    expect(await client.credits()).toEqual({ available: 100, frozen: 0, total: 100 });
  });
});
