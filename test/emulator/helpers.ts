import { env } from "cloudflare:workers";

/** The emulator Worker, reached as the relay reaches it: through the `NEMO_EMULATOR` service binding. */
const emulator = (env as unknown as { NEMO_EMULATOR: Fetcher }).NEMO_EMULATOR;

export const ORIGIN = "http://nemo.emulator";

export const ATTRIBUTION = {
  "X-Skill-Source": "promptreel-tests",
  "X-Skill-Version": "0.0.0",
  "X-Skill-Platform": "vitest",
};

/** A request to the emulator; a plain object body is sent as JSON. */
export function emu(path: string, init: Omit<RequestInit, "body"> & { body?: unknown } = {}): Promise<Response> {
  const { body, headers, ...rest } = init;
  const json = body !== undefined && !(body instanceof ReadableStream) && typeof body !== "string";
  return emulator.fetch(`${ORIGIN}${path}`, {
    ...rest,
    headers: { ...(json ? { "content-type": "application/json" } : {}), ...(headers as Record<string, string>) },
    body: json ? JSON.stringify(body) : (body as BodyInit | undefined),
  });
}

/** Loosely typed JSON: the tests assert shapes as they read them. */
export type Json = any;

export const json = async (response: Response | Promise<Response>): Promise<Json> => (await response).json();

/** A call with a bearer token. */
export const authed = (token: string, path: string, init: Parameters<typeof emu>[1] = {}) =>
  emu(path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

export const control = (path: string, body?: unknown) =>
  json(emu(`/__emulator/${path}`, body === undefined ? {} : { method: "POST", body }));

export const configure = (patch: Record<string, unknown>) => control("config", patch);

export const arm = (fault: string, extra: Record<string, unknown> = {}) => control("faults", { fault, ...extra });

export const reset = () => control("reset", {});

/** An anonymous token for a fresh client id. */
export async function anonymousToken(clientId: string = crypto.randomUUID()): Promise<string> {
  const body = await json(emu("/api/auth/anonymous-token", { method: "POST", headers: { "X-Client-Id": clientId } }));
  return body.data.token;
}

/** A token and a new session on it. */
export async function newSession(language = "en"): Promise<{ token: string; sessionId: string; taskId: string }> {
  const token = await anonymousToken();
  const body = await json(
    authed(token, "/api/tasks/me/with-session/nemo_agent", { method: "POST", body: { task_name: "project", language } }),
  );
  return { token, sessionId: body.data.session_id, taskId: body.data.task_id };
}

/** `POST /run_sse` with one text message. */
export const send = (token: string, sessionId: string, text: string) =>
  authed(token, "/run_sse", {
    method: "POST",
    headers: { accept: "text/event-stream" },
    body: { app_name: "nemo_agent", user_id: "me", session_id: sessionId, new_message: { parts: [{ text }] } },
  });

/** One SSE frame as sent: its comment lines and its data (already JSON-parsed when it is JSON). */
export interface Frame {
  raw: string;
  comment?: string;
  data?: string;
  event?: Json;
}

/** Splits an SSE body into frames (a tiny reader: the emulator writes one `data:` line per frame). */
export function parseFrames(text: string): Frame[] {
  return text
    .split("\n\n")
    .filter((raw) => raw !== "")
    .map((raw) => {
      const frame: Frame = { raw };
      for (const line of raw.split("\n")) {
        if (line.startsWith(":")) frame.comment = line.slice(1).trim();
        else if (line.startsWith("data:")) frame.data = line.slice(5).trimStart();
      }
      if (frame.data) frame.event = JSON.parse(frame.data);
      return frame;
    });
}

/** Reads a whole event stream (it ends when the server closes it). */
export const framesOf = async (response: Response): Promise<Frame[]> => parseFrames(await response.text());

/** The ADK events of a stream (frames with JSON data). */
export const eventsOf = async (response: Response): Promise<Json[]> =>
  (await framesOf(response)).flatMap((frame) => (frame.event ? [frame.event] : []));

/** Text parts of ADK events. */
export const textsOf = (events: Json[]): string[] =>
  events.flatMap((event) => (event.content?.parts ?? []).flatMap((part: Json) => (part.text ? [part.text] : [])));

export const balance = (token: string) => json(authed(token, "/api/credits/balance/simple")).then((body) => body.data);

export const stateOf = (token: string, sessionId: string) =>
  json(authed(token, `/api/state/nemo_agent/me/${sessionId}/latest`)).then((body) => body.data.state);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns something truthy, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}
