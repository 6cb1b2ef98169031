import { type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { AppType } from "../worker/index";
import { getKey } from "./storage";

/**
 * The API through Hono's typed client. Only types come from the Worker: nothing of it (nor zod) is bundled.
 * Every call carries the visitor key the page holds at that moment.
 */
export const api = hc<AppType>(`${location.origin}/api/v1`, {
  headers: (): Record<string, string> => {
    const key = getKey();
    return key ? { Authorization: `Bearer ${key}` } : {};
  },
});

/** A refusal in the API's words: a stable code, a sentence, and maybe the way out and when it passes. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
    readonly link?: string,
    readonly retryAt?: number,
  ) {
    super(message);
  }
}

type Success<R> = R extends ClientResponse<infer T, infer S, "json"> ? (S extends SuccessStatusCode ? T : never) : never;

/**
 * The body of a successful answer, or an ApiError with the API's code and sentence.
 * @example const { sessionId } = await ok(api.sessions.$post({ json: {} }));
 */
export async function ok<R extends ClientResponse<unknown, number, string>>(call: Promise<R>): Promise<Success<R>> {
  const response = (await reach(call)) as unknown as Response;
  if (response.ok) return (await response.json()) as Success<R>;
  throw await errorOf(response);
}

/**
 * An answer with no body to read (202, 204), or the ApiError of a refusal.
 * @example await done(api.videos[":id"].$delete({ param: { id } }));
 */
export async function done(call: Promise<Response | ClientResponse<unknown>>): Promise<void> {
  const response = await reach(call);
  if (!response.ok) throw await errorOf(response);
}

/** A response that failed, as an ApiError. */
export async function errorOf(response: Response | ClientResponse<unknown>): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string; link?: string; retryAt?: number } }
    | undefined;
  const error = body?.error;
  return new ApiError(error?.code ?? "internal", error?.message ?? response.statusText, response.status, error?.link, error?.retryAt);
}

/** A page's ask: 100 items (the most a page holds), after the page before. */
type PageAsk = { limit: string; after?: string };

/**
 * Every item of a list the API answers in pages (newest first), page by page: `read` answers one page's items
 * and its `nextCursor`.
 * @example const exports = await everyPage(async (query) => { const { exports, nextCursor } = await ok(api.exports.$get({ query })); return [exports, nextCursor]; });
 */
export async function everyPage<T>(read: (query: PageAsk) => Promise<[T[], string | null]>): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  do {
    const [page, next]: [T[], string | null] = await read({ limit: "100", ...(after ? { after } : {}) });
    items.push(...page);
    after = next;
  } while (after);
  return items;
}

/** Awaits a call, turning a failure to connect into an ApiError the page can put in words. */
export async function reach<R>(call: Promise<R>): Promise<R> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError("network", String(error));
  }
}
