import { type Context, Hono } from "hono";
import type { AppEnv } from "../http";

/**
 * The API reference from the static assets, where `vite build` wrote it (worker/reference.ts, vite-reference.ts), so
 * that the Worker carries neither the OpenAPI generator nor the page's renderer. Answered as the Worker answered when
 * it made them itself: the same body and Content-Type, none of the assets' own headers (ETag, Cache-Control), and
 * the app's middleware on top (CORS, the security headers, the page's CSP). A missing file fails loudly (a 500 and a
 * log line) rather than answer the page's index.html, which the assets give for every address they lack.
 */
async function built(c: Context<AppEnv>, path: string, isIt: (type: string, body: string) => boolean) {
  const asset = await c.env.ASSETS.fetch(new URL(path, c.req.url));
  const body = await asset.text();
  if (!asset.ok || !isIt(asset.headers.get("Content-Type") ?? "", body))
    throw new Error(`the API reference's ${path} is not in the static assets: \`vite build\` (or \`node vite-reference.ts\`) writes it`);
  return body;
}

export const reference = new Hono<AppEnv>()
  .get("/api/v1/openapi.json", async (c) =>
    c.body(await built(c, "/api/v1/openapi.json", (type) => type.startsWith("application/json")), 200, { "Content-Type": "application/json" }),
  )
  .get("/api/docs", async (c) => c.html(await built(c, "/api/docs", (type, page) => type.startsWith("text/html") && / reference<\/title>/.test(page))));
