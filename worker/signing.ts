import { sign, verify } from "hono/jwt";
import { AppError } from "./errors";

/**
 * The secret that signs visitor keys, download links and webhook secrets (`Config.signingSecret`). A deployment
 * without `VISITOR_KEY_SECRET` refuses to issue or accept anything rather than fall back to a value anybody can
 * read in this repository.
 */
export function secretOf(config: { signingSecret?: string }): string {
  if (config.signingSecret) return config.signingSecret;
  throw new AppError("misconfigured", "This PromptReel server is not fully set up yet (no visitor key secret).");
}

/** How long a visitor key works; the page trades it for a fresh one while it is in use (POST /visitors/me/key). */
export const KEY_LIFE_MS = 30 * 24 * 3600_000;

/**
 * A visitor key is a JWT (HS256) whose subject is the visitor id, with an expiry and the client network the visitor
 * was made in (`net`: an IPv4 address or an IPv6 /56), which its share of the week's free accounts and of the day's
 * messages counts to wherever it later asks from. It holds no NemoVideo token: tokens stay on the server, and the
 * key only says which visitor's Durable Object to ask.
 * @example const key = await issueKey("f3c…", secret, Date.now(), "203.0.113.9") // "eyJhbGciOi…"
 */
export function issueKey(visitorId: string, secret: string, now = Date.now(), network?: string) {
  const iat = Math.floor(now / 1000);
  return sign({ sub: visitorId, iat, exp: iat + KEY_LIFE_MS / 1000, ...(network ? { net: network } : {}) }, secret, "HS256");
}

/** Who a valid key names: the visitor, and its network when the key carries one (keys from before did not). */
export interface KeyHolder {
  visitorId: string;
  network?: string;
}

/** Who a valid, unexpired key names, or undefined. A key from before keys expired lives `KEY_LIFE_MS` from its issue. */
export async function readKey(key: string, secret: string, now = Date.now()): Promise<KeyHolder | undefined> {
  try {
    const payload = await verify(key, secret, "HS256");
    if (payload.exp === undefined && (Number(payload.iat) * 1000 || 0) + KEY_LIFE_MS < now) return undefined;
    if (typeof payload.sub !== "string" || !/^[0-9a-f-]{36}$/.test(payload.sub)) return undefined;
    return { visitorId: payload.sub, ...(typeof payload.net === "string" && payload.net ? { network: payload.net } : {}) };
  } catch {
    return undefined;
  }
}

/** How long a signed download link works. It is signed afresh each time an export is read. */
export const DOWNLOAD_LINK_LIFE_MS = 24 * 3600_000;

const encoder = new TextEncoder();

async function hmac(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

/** Bytes as base64url without padding (keys, signatures, handles). */
export const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const hex = (bytes: Uint8Array) => [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");

/** What a signed link opens: a finished video's MP4, or its poster. */
export type LinkKind = "download" | "poster";
const LINK_PATHS: Record<LinkKind, (id: string) => string> = {
  download: (id) => `/api/v1/exports/${encodeURIComponent(id)}/download`,
  poster: (id) => `/api/v1/videos/${encodeURIComponent(id)}/poster.jpg`,
};

/**
 * An address that works without the visitor key, so that a `<video>` or `<img>` element or a plain link can use
 * it. It names the visitor (not a secret) and is signed for this one thing only, for 24 hours.
 * @example await signedLink("download", "exp_1", "f3c…", secret) // "/api/v1/exports/exp_1/download?v=f3c…&exp=…&sig=…"
 */
export async function signedLink(kind: LinkKind, id: string, visitorId: string, secret: string, now = Date.now()) {
  const expires = Math.floor((now + DOWNLOAD_LINK_LIFE_MS) / 1000);
  const sig = base64url(await hmac(secret, `${kind}:${id}:${visitorId}:${expires}`));
  return `${LINK_PATHS[kind](id)}?${new URLSearchParams({ v: visitorId, exp: String(expires), sig })}`;
}

/** True when `sig` was made by `signedLink` for this kind, thing and visitor, and has not expired. */
export async function checkLink(kind: LinkKind, id: string, visitorId: string, expires: number, sig: string, secret: string) {
  if (!Number.isFinite(expires) || expires * 1000 < Date.now()) return false;
  const expected = base64url(await hmac(secret, `${kind}:${id}:${visitorId}:${expires}`));
  return timingSafeEqual(expected, sig);
}

/**
 * A job as the API shows it: with a signed `downloadUrl` once it is completed (absolute when `origin` is given),
 * unless its video was deleted since.
 */
export async function withDownload<T extends { status: string; exportId?: string; deletedAt?: number }>(
  job: T,
  visitorId: string,
  secret: string,
  origin = "",
): Promise<T & { downloadUrl?: string }> {
  if (job.status !== "completed" || !job.exportId || job.deletedAt) return job;
  return { ...job, downloadUrl: origin + (await signedLink("download", job.exportId, visitorId, secret)) };
}

/**
 * The secret a visitor's webhook receivers check signatures with, in Standard Webhooks' form (`whsec_` and the
 * key's bytes in base64): derived, so nothing more is stored. `legacy` is the form answered before Standard
 * Webhooks (base64url), which the old `PromptReel-Signature` header is still keyed by for one release.
 */
export async function webhookSecret(visitorId: string, secret: string, form: "standard" | "legacy" = "standard") {
  const bytes = await hmac(secret, `webhook:${visitorId}`);
  return `whsec_${form === "legacy" ? base64url(bytes) : btoa(String.fromCharCode(...bytes))}`;
}

/**
 * The `PromptReel-Signature` header of a webhook delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
 * @example await signWebhook('{"event":"generation.completed"}', "whsec_…") // "t=1764000000,v1=5f2c…"
 */
export async function signWebhook(body: string, secret: string, now = Date.now()) {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${hex(await hmac(secret, `${t}.${body}`))}`;
}

function timingSafeEqual(a: string, b: string) {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
