import { recall, remember } from "./saved";

/**
 * Where the page keeps its visitor key: saved.ts's localStorage (`promptreel:visitorKey`), or its memory when the
 * browser refuses storage; in a third-party iframe it may throw (third-party storage blocked, as Safari and
 * Chrome's "block third-party cookies" do) or be partitioned, so the widget's host page may hold it too (see
 * bridge.ts: the loader keeps it in the host's own storage and hands it over by postMessage, never in a URL).
 *
 * @example
 * const key = getKey() ?? (await createVisitor()).key;
 * setKey(key);
 */

const NAME = "visitorKey";
const listeners = new Set<(key: string | null) => void>();

/** Whether the key outlives the page here (localStorage works); false in a frame with third-party storage blocked. */
export function isPersistent(): boolean {
  try {
    localStorage.setItem("promptreel:probe", "1");
    localStorage.removeItem("promptreel:probe");
    return true;
  } catch {
    return false;
  }
}

/** The visitor key, or null when this browser has none yet. */
export const getKey = (): string | null => recall(NAME) ?? null;

/** Keeps the key (null forgets it) wherever the browser allows, and tells whoever listens (the widget's host). */
export function setKey(key: string | null): void {
  remember(NAME, key ?? undefined);
  for (const listener of listeners) listener(key);
}

/**
 * For the widget bridge: a key the host page kept for us. Taken only when the page has none of its own, so an
 * unframed visit and a framed one with working storage keep their key.
 */
export function provideKey(key: string): void {
  if (getKey() === null) remember(NAME, key, true);
}

/** Calls `listener` whenever the key changes; returns the function that stops it. */
export function onKeyChange(listener: (key: string | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
