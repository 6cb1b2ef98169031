import { app, type routes } from "./app";
import type { Bindings } from "./config";
import { AppError } from "./errors";
import { JSON_BODY_MAX_BYTES } from "./http";
import { challenge, MAX_ORIGINS, oauthProvider } from "./oauth/provider";

export { AccountBudget, NetworkAllowance } from "./budget/budget";
export { Measurements } from "./measurements/measurements";
export { Visitor } from "./visitor/visitor";

/** The API's type, for the page's typed client (`hc<AppType>`). */
export type AppType = typeof routes;

/** The app's own 404 (worker/app.ts), for the well-known addresses the provider answers with an empty one. */
const notFound = () => Response.json({ error: new AppError("not_found", "There is nothing at this address.").toJSON() }, { status: 404 });

/**
 * Reads what is left of a refused request's small body (a declared length up to twice `JSON_BODY_MAX_BYTES`; an
 * upload's is left alone, never waited on), so that the connection it came on can carry the next request. Answered
 * with its body unread, the connection was closed under the client's next request: under `npm start` about one
 * request in ten after a 401 (of `/mcp` or the API) failed with vite's 500 "fetch failed" (docs/mcp.md, "Signing in").
 */
async function drain(request: Request): Promise<void> {
  const length = Number(request.headers.get("Content-Length") ?? NaN);
  if (!request.body || request.bodyUsed || !(length <= JSON_BODY_MAX_BYTES * 2)) return;
  try {
    const reader = request.body.getReader();
    while (!(await reader.read()).done);
  } catch {
    // Read already (locked), or the client went away: nothing to keep.
  }
}

const copies = new WeakMap<Bindings, Map<string, Bindings>>();

/**
 * The bindings as the provider of `origin` hands them on: a copy per origin, made once per isolate (so that
 * config.ts's cache of the variables still holds), since the provider keeps its helpers for its origin on them.
 */
function bindingsFor(env: Bindings, origin: string): Bindings {
  let byOrigin = copies.get(env);
  if (!byOrigin) copies.set(env, (byOrigin = new Map()));
  let copy = byOrigin.get(origin);
  if (!copy) {
    if (byOrigin.size >= MAX_ORIGINS) byOrigin.clear();
    byOrigin.set(origin, (copy = { ...env }));
  }
  return copy;
}

/**
 * The Worker: the OAuth provider (worker/oauth/) in front of the app. It answers the metadata documents, the token,
 * registration and revocation endpoints, and checks `/mcp`'s bearer token (an OAuth token, or a visitor key) before
 * the app sees it; everything else, `/authorize` included, is the app's.
 */
export default {
  async fetch(request: Request, env: Bindings, context: ExecutionContext) {
    const url = new URL(request.url);
    const provider = oauthProvider(url.origin, app);
    if (!provider) return app.fetch(request, env, context);
    // The contract's document is the origin's own; the library publishes it under the resource's path (RFC 9728 §3.1).
    const asked =
      url.pathname === "/.well-known/oauth-protected-resource"
        ? new Request(`${url.origin}/.well-known/oauth-protected-resource/mcp${url.search}`, request)
        : request;
    const response = await provider.fetch(asked, bindingsFor(env, url.origin), context);
    if (response.status >= 400) await drain(asked);
    if (url.pathname === "/mcp" && response.status === 401) return await challenge(request, response);
    if (url.pathname.startsWith("/.well-known/") && response.status === 404 && !response.headers.get("Content-Type")) return notFound();
    return response;
  },
} satisfies ExportedHandler<Bindings>;
