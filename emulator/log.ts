import type { MiddlewareHandler } from "hono";

/** One request as the emulator saw it. */
export interface LoggedRequest {
  index: number;
  time: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Every header, names lower-cased. */
  headers: Record<string, string>;
  /** The response status; missing while the handler still runs. */
  status?: number;
  /** A JSON body (under 64 KB), as text: what exactly reached the API. */
  body?: string;
}

let entries: LoggedRequest[] = [];

/** Records every request except the control API's own. */
export const logRequests: MiddlewareHandler = async (c, next) => {
  const url = new URL(c.req.url);
  if (url.pathname.startsWith("/__emulator")) return next();
  const entry: LoggedRequest = {
    index: entries.length,
    time: Date.now(),
    method: c.req.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: Object.fromEntries(c.req.raw.headers),
  };
  const type = c.req.header("content-type") ?? "";
  if (type.includes("json") && Number(c.req.header("content-length") ?? 0) < 65_536)
    entry.body = await c.req.raw.clone().text();
  entries.push(entry);
  await next();
  entry.status = c.res.status;
};

/** The log, oldest first, from index `since` on. */
export const requestsSince = (since = 0): LoggedRequest[] => entries.filter((entry) => entry.index >= since);

/** Empties the log; indexes start again at 0. */
export function clearRequests(): void {
  entries = [];
}
