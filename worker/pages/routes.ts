import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../http";

/**
 * Who may frame the page, from `EMBED_ORIGINS` (origins separated by commas or spaces): `*` anyone, a list those
 * origins (CSP source expressions, so `https://*.example.com` works too), empty the page's own origin only.
 *
 * @example
 * frameAncestors("https://a.example, https://b.example") // "'self' https://a.example https://b.example"
 */
export function frameAncestors(embedOrigins: string): string {
  const origins = embedOrigins
    .split(/[\s,;]+/)
    .map((origin) => origin.replace(/\/+$/, ""))
    .filter(Boolean);
  return origins.includes("*") ? "*" : ["'self'", ...origins].join(" ");
}

/**
 * The page's Content-Security-Policy: its own scripts, styles and API only; videos from the API or a blob; and
 * framing as `EMBED_ORIGINS` says. Inline styles stay allowed: Preact sets `style` attributes and the widget
 * loader styles its button.
 */
export function pagePolicy(embedOrigins: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors(embedOrigins)}`,
  ].join("; ");
}

/**
 * Every page address (anything outside `/api/`): the single-page app from the static assets, with its policy.
 * `run_worker_first` sends page addresses here, so that the policy is on every navigation, deep links included.
 * A 304 carries the policy too: the browser keeps the headers of a revalidated answer.
 */
export const pages = new Hono<AppEnv>().get("*", async (c, next) => {
  if (c.req.path.startsWith("/api/") || !c.env.ASSETS) return next();
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  // A copy: the binding's answer has immutable headers, and secureHeaders sets its own after this.
  const answer = new Response(asset.body, asset);
  if (answer.status === 304 || answer.headers.get("Content-Type")?.startsWith("text/html"))
    answer.headers.set("Content-Security-Policy", pagePolicy(c.var.config.EMBED_ORIGINS));
  return answer;
});

/**
 * Lets `frame-ancestors` alone decide who frames a page: secureHeaders' `X-Frame-Options: SAMEORIGIN` would refuse
 * every other origin. Mounted before secureHeaders, so that it sees the answer after secureHeaders has set it.
 */
export const framedByPolicy: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.headers.get("Content-Security-Policy")?.includes("frame-ancestors")) c.res.headers.delete("X-Frame-Options");
};
