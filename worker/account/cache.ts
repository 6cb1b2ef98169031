import { z } from "zod";
import type { Bindings } from "../config";
import { kvExpiration } from "../kv";
import type { Credentials } from "../nemo/shapes";

/** A visitor's token's copy in KV, for fast reads at the edge; it expires with the token. */
const tokenKey = (visitorId: string) => `token:${visitorId}`;
/** A forgotten visitor's mark, kept as long as one of its keys could still be unexpired. */
const forgottenKey = (visitorId: string) => `forgotten:${visitorId}`;

const StoredCredentials: z.ZodType<Credentials> = z.object({
  token: z.string(),
  userId: z.string().optional(),
  expiresAt: z.number().optional(),
  anonymous: z.boolean(),
});

export async function cacheToken(env: Bindings, visitorId: string, credentials: Credentials & { expiresAt: number }) {
  await env.KV.put(tokenKey(visitorId), JSON.stringify(credentials), { expiration: kvExpiration(credentials.expiresAt) });
}

/** The KV copy of a visitor's token, checked when read back; undefined when KV has none. */
export async function cachedToken(env: Bindings, visitorId: string): Promise<Credentials | undefined> {
  const cached = StoredCredentials.safeParse(await env.KV.get(tokenKey(visitorId), "json"));
  return cached.success ? cached.data : undefined;
}

/** The visitor asked to be forgotten: its token's copy goes, and its keys are refused until the last one expires. */
export async function markForgotten(env: Bindings, visitorId: string, keysValidUntil: number): Promise<void> {
  await env.KV.delete(tokenKey(visitorId));
  await env.KV.put(forgottenKey(visitorId), "1", { expiration: kvExpiration(keysValidUntil) });
}

export async function isForgotten(env: Bindings, visitorId: string): Promise<boolean> {
  return (await env.KV.get(forgottenKey(visitorId))) !== null;
}
