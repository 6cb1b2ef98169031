import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { createParser } from "eventsource-parser";
import { afterEach, beforeEach, expect } from "vitest";
import { AppError } from "../worker/errors";

export const BASE = "http://localhost/api/v1";

/** Every body and header this test file's requests got back, scanned for upstream tokens after each test. */
const seen: string[] = [];

async function record(response: Response): Promise<string> {
  const text = await response.text();
  seen.push(text, JSON.stringify([...response.headers]));
  return text;
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Calls the PromptReel Worker (the real one, in workerd) and reads the whole answer. */
export async function call<T = any>(path: string, init: RequestInit & { key?: string; json?: unknown } = {}): Promise<Answer<T>> {
  const headers = new Headers(init.headers);
  if (init.key) headers.set("Authorization", `Bearer ${init.key}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  const url = path.startsWith("http") ? path : `${BASE}${path}`;
  const response = await exports.default.fetch(new Request(url, { ...init, headers, body }));
  const text = await record(response);
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/**
 * `fetch` as a client library would use it, answered by the PromptReel Worker in workerd: with the `Host` header a
 * real connection carries, and each answer (but a file) read whole and recorded, so that the token scan sees it too.
 */
export async function fetchWorker(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const headers = new Headers(request.headers);
  headers.set("Host", new URL(request.url).host);
  const response = await exports.default.fetch(new Request(request, { headers }));
  if (!/json|text/.test(response.headers.get("Content-Type") ?? "")) return response; // a file: passed on as it is
  const text = await record(response);
  return new Response(response.status === 204 ? null : text, { status: response.status, headers: response.headers });
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: any;
}

/** Parses a whole `text/event-stream` body; comments are counted separately. */
export function parseSse(text: string): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent: (message) => events.push({ id: message.id, event: message.event, data: JSON.parse(message.data) }),
    onComment: (comment) => comments.push(comment.trim()),
  });
  parser.feed(text);
  return { events, comments };
}

/** Sends a chat message and reads its whole event stream. */
export async function chat(key: string, sessionId: string, text: string) {
  const answer = await call(`/sessions/${sessionId}/messages`, { method: "POST", key, json: { text } });
  return { ...answer, ...parseSse(answer.text) };
}

export async function newVisitor(): Promise<{ visitorId: string; key: string }> {
  const answer = await call("/visitors", { method: "POST" });
  expect(answer.status).toBe(201);
  return answer.body;
}

export async function newSession(language?: string) {
  const visitor = await newVisitor();
  const answer = await call("/sessions", { method: "POST", key: visitor.key, json: language ? { language } : {} });
  expect(answer.status).toBe(201);
  return { ...visitor, sessionId: answer.body.sessionId as string };
}

/** The embedded emulator's control API (see emulator/README.md). */
export const emulator = {
  async call(path: string, init: RequestInit & { json?: unknown } = {}): Promise<any> {
    const response = await env.NEMO_EMULATOR!.fetch(`http://nemo.emulator/__emulator${path}`, {
      ...init,
      headers: init.json !== undefined ? { "Content-Type": "application/json" } : init.headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  },
  reset: () => emulator.call("/reset", { method: "POST" }),
  configure: (config: Record<string, unknown>) => emulator.call("/config", { method: "POST", json: config }),
  fault: (fault: string, options: { times?: number; match?: Record<string, string>; params?: Record<string, unknown> } = {}) =>
    emulator.call("/faults", { method: "POST", json: { fault, ...options } }),
  requests: async (): Promise<{ method: string; path: string; headers: Record<string, string>; status: number; time: number; body?: string }[]> => {
    const log = await emulator.call("/requests");
    return Array.isArray(log) ? log : log.requests;
  },
  /** Gives every user the emulator knows `available` credits (anonymous users start with 100). */
  grantCredits: async (available: number) => {
    const { tokens } = await emulator.call("/tokens");
    for (const issued of tokens) await emulator.call("/users/credits", { method: "POST", json: { token: issued.token, available } });
  },
  tokens: async (): Promise<string[]> => {
    const list = await emulator.call("/tokens");
    return (Array.isArray(list) ? list : list.tokens).map((t: any) => (typeof t === "string" ? t : t.token));
  },
};

/**
 * Every test starts on a fresh emulator and ends with a scan: no answer, header or stream the test received may
 * contain a token the emulator issued.
 */
export function useEmulator() {
  beforeEach(async () => {
    await emulator.reset();
    seen.length = 0;
  });
  afterEach(async () => {
    const tokens = await emulator.tokens();
    for (const token of tokens) for (const text of seen) expect(text.includes(token), "an upstream token leaked").toBe(false);
    seen.length = 0;
  });
}

/** The AppError a piece of work fails with (the test fails if it succeeds or fails otherwise). */
export async function appErrorOf(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, "expected an AppError").toBeInstanceOf(AppError);
  return error as AppError;
}

/** The visitor's Durable Object, as the Worker reaches it. */
export const visitorStub = (visitorId: string) => env.VISITOR.get(env.VISITOR.idFromName(visitorId));

/**
 * Restarts the visitor's Durable Object the hard way (`ctx.abort()`): its memory is gone, its storage stays, and
 * the next call meets a fresh instance, as after an eviction or a deploy in the middle of work.
 */
export async function restartVisitor(visitorId: string) {
  await runInDurableObject(visitorStub(visitorId), (_instance, state) => state.abort("restart for a test")).catch(
    () => {},
  );
  return visitorStub(visitorId);
}
