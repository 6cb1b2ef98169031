import { createMcpHandler } from "agents/mcp/server";
import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { toAppError } from "../errors";
import { type AppEnv, authenticate, callerOf, sendError, smallBody } from "../http";
import type { SignedIn } from "../oauth/provider";
import { videoServer } from "./tools";

/**
 * `/mcp` needs a bearer token. In front of the app the OAuth provider (worker/oauth/) has checked it, an OAuth
 * token or a visitor key, and hands on whom it names (`props`); the visitor must not have been forgotten since.
 * Without the provider (an origin it refuses: plain http off loopback) the key is checked here, as the API checks
 * it, and refused with RFC 6750's challenge; a browser's preflight carries no key and passes to the handler.
 */
const requireKey = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === "OPTIONS") return next();
  const signedIn = propsOf(c);
  try {
    c.set("visitor", signedIn ? await callerOf(c, signedIn.visitorId, signedIn.network) : await authenticate(c, "PromptReel's MCP server"));
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code !== "unauthorized") throw error;
    const challenge = c.req.header("Authorization")
      ? 'Bearer realm="PromptReel", error="invalid_token", error_description="The visitor key is not valid, has expired, or its visitor was forgotten"'
      : 'Bearer realm="PromptReel"';
    c.header("WWW-Authenticate", challenge);
    c.header("Access-Control-Allow-Origin", "*");
    c.header("Access-Control-Expose-Headers", "WWW-Authenticate");
    return sendError(c, appError);
  }
  await next();
});

/** Whom the OAuth provider's check named, when it ran. */
function propsOf(c: Context<AppEnv>): SignedIn | undefined {
  let props: unknown;
  try {
    props = (c.executionCtx as ExecutionContext & { props?: unknown }).props;
  } catch {
    return undefined; // no execution context: not through the provider
  }
  const visitorId = (props as Partial<SignedIn> | undefined)?.visitorId;
  return typeof visitorId === "string" ? (props as SignedIn) : undefined;
}

/**
 * `/mcp`: MCP over Streamable HTTP, stateless. Clients of the 2026-07-28 protocol send each request on its own;
 * older ones (SDK 1.x) still open with `initialize`, answered by the handler's stateless fallback. No MCP session
 * is kept: the videos live in the visitor's Durable Object, as they do for the API.
 */
export const mcp = new Hono<AppEnv>().all("/mcp", smallBody, requireKey, (c) =>
  createMcpHandler(() => videoServer(c.var.visitor, new URL(c.req.url).origin), {
    onerror: (error) => console.error("MCP request failed", error.message),
  }).fetch(c.req.raw),
);
