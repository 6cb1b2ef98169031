import { sign, verify } from "hono/jwt";
import type { Config, Env } from "../config";
import { AppError } from "../errors";

/** Used only when no secret is set and the Worker runs locally (the emulator is bound, or the host is loopback). */
const DEVELOPMENT_SECRET = "promptreel-development-only-secret";
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The secret that signs visitor keys. A deployment without `VISITOR_KEY_SECRET` refuses to issue or accept keys
 * rather than fall back to a value anybody can read in this repository.
 */
export function keySecret(env: Env, config: Config, url: string): string {
  if (config.VISITOR_KEY_SECRET) return config.VISITOR_KEY_SECRET;
  if (env.NEMO_EMULATOR || LOCAL_HOSTS.has(new URL(url).hostname)) return DEVELOPMENT_SECRET;
  throw new AppError("misconfigured", "This PromptReel server is not fully set up yet (no visitor key secret).");
}

/**
 * A visitor key is a JWT (HS256) whose subject is the visitor id. It holds no NemoVideo token: tokens stay on
 * the server, and the key only says which visitor's Durable Object to ask.
 * @example const key = await issueKey("f3c…", secret) // "eyJhbGciOi…"
 */
export const issueKey = (visitorId: string, secret: string) =>
  sign({ sub: visitorId, iat: Math.floor(Date.now() / 1000) }, secret, "HS256");

/** The visitor id of a valid key, or undefined. */
export async function readKey(key: string, secret: string): Promise<string | undefined> {
  try {
    const payload = await verify(key, secret, "HS256");
    return typeof payload.sub === "string" && /^[0-9a-f-]{36}$/.test(payload.sub) ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}
