/**
 * A value that tells who read it when it changes: `.value` reads (and, inside `effect`, subscribes), a write
 * re-runs the effects that read it. The part of Preact signals the page uses: @preact/signals-core would be
 * 1.6 KB of the page's 25 KB gzipped budget, this is a tenth of that.
 */
export interface Signal<T> {
  value: T;
}

let reading: Set<() => void>[] | undefined;
let held: Set<() => void> | undefined;

export function signal<T>(initial: T): Signal<T> {
  let current = initial;
  const readers = new Set<() => void>();
  return {
    get value() {
      reading?.push(readers);
      return current;
    },
    set value(next) {
      if (next === current) return;
      current = next;
      for (const reader of [...readers]) held ? held.add(reader) : reader();
    },
  };
}

/**
 * Runs `run` now and again whenever a value it read changes, reading afresh each time (a value it no longer reads
 * no longer wakes it); answers the function that stops it, after which it never runs, even where a batch had it waiting.
 */
export function effect(run: () => void): () => void {
  let sources: Set<() => void>[] = [];
  let on = true;
  const again = () => {
    if (!on) return;
    for (const source of sources) source.delete(again);
    const outer = reading;
    reading = sources = [];
    try {
      run();
    } finally {
      reading = outer;
    }
    for (const source of sources) source.add(again);
  };
  again();
  return () => {
    on = false;
    for (const source of sources) source.delete(again);
  };
}

/** Makes several changes at once: each effect that read any of them runs once, after the last. */
export function batch(change: () => void): void {
  if (held) return change();
  const waiting = (held = new Set());
  try {
    change();
  } finally {
    held = undefined;
    for (const reader of waiting) reader();
  }
}
