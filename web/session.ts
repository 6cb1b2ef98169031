import { ApiError, api, ok, reach } from "./api";
import { languageTag } from "./i18n";
import { recall, remember } from "./saved";
import { getKey, setKey } from "./storage";

/**
 * The page's start: a visitor key (kept by storage.ts) and the session to work in. A returning visitor gets the
 * session it had; a key the server no longer accepts is replaced once.
 * @example const sessionId = await openSession();
 */
export async function openSession(): Promise<string> {
  try {
    return await open();
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "unauthorized") throw error;
    setKey(null);
    return open();
  }
}

/** This browser's visitor: made now when it has none (the consent page's Allow needs one too). */
export async function ensureVisitor(): Promise<void> {
  if (!getKey()) setKey((await ok(api.visitors.$post())).key);
  else await renewKey();
}

async function open(): Promise<string> {
  await ensureVisitor();
  const remembered = recall("session");
  if (remembered) {
    const answer = await reach(api.sessions[":id"].$get({ param: { id: remembered } }));
    if (answer.ok) return remembered;
    if (answer.status === 401) throw new ApiError("unauthorized", "", 401);
  }
  const { sessions } = await ok(api.sessions.$get({ query: { limit: "1" } }));
  const sessionId = sessions[0]?.sessionId ?? (await ok(api.sessions.$post({ json: { language: languageTag } }))).sessionId;
  remember("session", sessionId);
  return sessionId;
}

/** Keys expire 30 days after they are issued: one more than a day old is traded for a fresh one while in use. */
const RENEW_AFTER_MS = 24 * 3600_000;

async function renewKey(): Promise<void> {
  const key = getKey();
  let issuedAt = 0;
  try {
    issuedAt = JSON.parse(atob(key!.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).iat * 1000;
  } catch {
    return;
  }
  if (Date.now() - issuedAt < RENEW_AFTER_MS) return;
  const answer = await reach(api.visitors.me.key.$post());
  if (answer.ok) setKey((await answer.json()).key);
  else if (answer.status === 401) throw new ApiError("unauthorized", "", 401);
}
