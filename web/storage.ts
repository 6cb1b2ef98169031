/**
 * Where the page keeps its visitor key. localStorage when the browser lets the page have it; in a third-party
 * iframe it may throw (third-party storage blocked, as Safari and Chrome's "block third-party cookies" do) or be
 * partitioned, so the key is also kept in memory for the page's life, and the widget's host page may hold it
 * (see bridge.ts: the loader keeps it in the host's own storage and hands it over by postMessage, never in a URL).
 *
 * @example
 * const key = getKey() ?? (await createVisitor()).key;
 * setKey(key);
 */

const NAME = "promptreel:visitorKey";

let memory: string | null = null;
const listeners = new Set<(key: string | null) => void>();

function local(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** Whether the key outlives the page here (localStorage works); false in a frame with third-party storage blocked. */
export function isPersistent(): boolean {
  try {
    const storage = local();
    if (!storage) return false;
    storage.setItem(`${NAME}:probe`, "1");
    storage.removeItem(`${NAME}:probe`);
    return true;
  } catch {
    return false;
  }
}

/** The visitor key, or null when this browser has none yet. */
export function getKey(): string | null {
  try {
    return local()?.getItem(NAME) ?? memory;
  } catch {
    return memory;
  }
}

/** Keeps the key (null forgets it) wherever the browser allows, and tells whoever listens (the widget's host). */
export function setKey(key: string | null): void {
  memory = key;
  try {
    if (key === null) local()?.removeItem(NAME);
    else local()?.setItem(NAME, key);
  } catch {
    // Storage refused (blocked or full): memory, and the host page if framed, keep it.
  }
  for (const listener of listeners) listener(key);
}

/**
 * For the widget bridge: a key the host page kept for us. Taken only when the page has none of its own, so an
 * unframed visit and a framed one with working storage keep their key.
 */
export function provideKey(key: string): void {
  if (getKey() === null) memory = key;
}

/** Calls `listener` whenever the key changes; returns the function that stops it. */
export function onKeyChange(listener: (key: string | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
