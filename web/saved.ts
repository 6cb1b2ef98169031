/**
 * Small values the page remembers across reloads (the visitor key, the session it works in), in localStorage when
 * the browser allows it and in memory when it throws (a framed page with storage blocked).
 */
const memory = new Map<string, string>();
const PREFIX = "promptreel:";

export function recall(name: string): string | undefined {
  try {
    return localStorage.getItem(PREFIX + name) ?? memory.get(name);
  } catch {
    return memory.get(name);
  }
}

/** Keeps a value (undefined forgets it); `inMemory`: for this page's life only. */
export function remember(name: string, value: string | undefined, inMemory = false): void {
  if (value === undefined) memory.delete(name);
  else memory.set(name, value);
  if (inMemory) return;
  try {
    if (value === undefined) localStorage.removeItem(PREFIX + name);
    else localStorage.setItem(PREFIX + name, value);
  } catch {
    // Storage refused: memory keeps it for this page's life.
  }
}
