import type { Caller } from "../caller";
import { notFound, settle } from "../errors";
import { cachedSession } from "./cache";
import { recovering } from "./lost";
import type { SessionRecord } from "./schema";

/**
 * The caller's session `id`, or 404 for anything else (another visitor's session answers exactly like one that
 * never existed). KV answers first; a miss is confirmed by the Durable Object, which is never stale.
 */
export async function sessionOf(caller: Caller, id: string): Promise<SessionRecord> {
  const cached = await cachedSession(caller.env, id);
  if (cached) {
    if (cached.visitorId !== caller.visitorId) throw notFound("That session");
    return cached;
  }
  return settle(await caller.stub.sessionRead(id));
}

/**
 * Runs `work` from the Worker on the session's NemoVideo session (a read, a claim link, an upload's bytes), as
 * `recovering` says when NemoVideo lost it: the visitor's Durable Object replaces it.
 */
export async function onSession<T>(caller: Caller, session: string | SessionRecord, work: (record: SessionRecord) => Promise<T>): Promise<T> {
  const record = typeof session === "string" ? await sessionOf(caller, session) : session;
  return recovering(record, work, async (stale) => settle(await caller.stub.sessionReplace(caller.visitorId, stale.id, stale.upstreamId)));
}
