const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomFrom(alphabet: string, length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** `nmv_usr_` + 43 url-safe characters, like NemoVideo's tokens. */
export const userToken = (): string => `nmv_usr_${randomFrom(URL_SAFE, 43)}`;

/** `clm_` + 32 url-safe characters. */
export const claimToken = (): string => `clm_${randomFrom(URL_SAFE, 32)}`;

/** `anon_…` for anonymous users, `usr_…` for registered ones. */
export const userId = (anonymous: boolean): string =>
  `${anonymous ? "anon" : "usr"}_${randomFrom("0123456789abcdef", 16)}`;

/** A 19-digit numeric string, like `5529798706024415232`. */
export const sessionId = (): string => `${1 + Math.floor(Math.random() * 9)}${randomFrom("0123456789", 18)}`;

/** 32 random hex digits: task ids, and the unguessable part of CDN paths. */
export const hexId = (): string => randomFrom("0123456789abcdef", 32);

/** An ADK event id (8 alphanumerics). */
export const eventId = (): string => randomFrom(ALNUM, 8);

/** A prefixed UUID, for invocations (`e-`) and function calls (`adk-`). */
export const prefixedUuid = (prefix: string): string => `${prefix}${crypto.randomUUID()}`;

/** FNV-1a: a small stable hash, so that the same prompt or draft always gives the same durations and clip. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A stable integer in [min, max] picked by `text`. */
export const pick = (text: string, min: number, max: number): number => min + (stableHash(text) % (max - min + 1));
