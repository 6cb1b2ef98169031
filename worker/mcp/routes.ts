import { createMcpHandler } from "agents/mcp/server";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { toAppError } from "../errors";
import { type AppEnv, authenticate, sendError, smallBody } from "../http";
import { videoServer } from "./tools";

/**
 * `/mcp` needs a visitor key, as the API does. Without a valid one it answers 401 with RFC 6750's challenge, which
 * MCP clients read; a browser's preflight carries no key and passes to the handler, which answers it.
 */
const requireKey = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === "OPTIONS") return next();
  try {
    c.set("visitor", await authenticate(c, "PromptReel's MCP server"));
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
