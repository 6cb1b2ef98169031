import type { Bindings } from "../config";
import { kvExpiration } from "../kv";
import { SessionRecord } from "./schema";

/** A session's copy in KV, for fast reads at the edge; it expires with the session. */
const sessionKey = (sessionId: string) => `session:${sessionId}`;

export async function cacheSession(env: Bindings, record: SessionRecord): Promise<void> {
  await env.KV.put(sessionKey(record.id), JSON.stringify(record), { expiration: kvExpiration(record.expiresAt) });
}

/** The KV copy of a session, checked when read back; undefined when KV has none. */
export async function cachedSession(env: Bindings, id: string): Promise<SessionRecord | undefined> {
  const cached = SessionRecord.safeParse(await env.KV.get(sessionKey(id), "json"));
  return cached.success ? cached.data : undefined;
}

export async function uncacheSession(env: Bindings, id: string): Promise<void> {
  await env.KV.delete(sessionKey(id));
}
