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
 * A share page's policy: its own video and poster, no script, framed by anyone (it is made to be embedded).
 */
const SHARE_POLICY =
  "default-src 'none'; media-src 'self'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors *";

/** Every other HTML answer (the API reference, an error page): its own inline styles and nothing else, framed by no one else. */
const DOCUMENT_POLICY =
  "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/** The app's addresses: everything the Worker serves outside the API and the share pages. */
const isAppPage = (path: string) => !path.startsWith("/api/") && !path.startsWith("/v/") && path !== "/mcp";

/**
 * The one place a Content-Security-Policy is set: on every HTML answer, errors and 404s included, whichever route
 * (or error handler) made it. The app gets the page's policy (a 304 of it too: the browser keeps the headers of a
 * revalidated answer), share pages theirs, and anything else the strictest that still shows it.
 */
export const htmlPolicy: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const html = (c.res.headers.get("Content-Type") ?? "").toLowerCase().startsWith("text/html");
  const path = c.req.path;
  if (!html && !(c.res.status === 304 && isAppPage(path))) return;
  // The consent page (/authorize) is framed by no one else, whatever EMBED_ORIGINS says: a framed Allow could be clickjacked.
  const framers = path === "/authorize" ? "" : c.var.config.EMBED_ORIGINS;
  const policy = isAppPage(path) ? pagePolicy(framers) : path.startsWith("/v/") ? SHARE_POLICY : DOCUMENT_POLICY;
  c.res.headers.set("Content-Security-Policy", policy);
};

/**
 * Every page address (anything outside `/api/`): the single-page app from the static assets (`htmlPolicy` gives it
 * its policy). `run_worker_first` sends page addresses here, so that the policy is on every navigation, deep links
 * included.
 */
export const pages = new Hono<AppEnv>().get("*", async (c, next) => {
  if (c.req.path.startsWith("/api/") || !c.env.ASSETS) return next();
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  // A copy: the binding's answer has immutable headers, and the middleware set their own after this.
  return new Response(asset.body, asset);
});

/**
 * Lets `frame-ancestors` alone decide who frames a page: secureHeaders' `X-Frame-Options: SAMEORIGIN` would refuse
 * every other origin. Mounted before secureHeaders, so that it sees the answer after secureHeaders has set it.
 */
export const framedByPolicy: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.headers.get("Content-Security-Policy")?.includes("frame-ancestors")) c.res.headers.delete("X-Frame-Options");
};
