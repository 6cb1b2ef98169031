const encoder = new TextEncoder();

export interface StreamEvent {
  id?: number | string;
  event: string;
  data: unknown;
}

/** One server-sent event, as bytes. */
export function formatEvent({ id, event, data }: StreamEvent): Uint8Array {
  return encoder.encode(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

const KEEP_ALIVE = encoder.encode(": keep-alive\n\n");

interface Listener {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  lastWrite: number;
}

/**
 * The live channel of a visitor's Durable Object: whoever follows a topic (a chat turn, an export, a generation)
 * gets a byte stream of server-sent events, what was missed first and then what is published, which crosses RPC
 * to the Worker and goes out as the response body. A listener that went away is dropped at its next write; the
 * work goes on. While nothing else is said, each listener gets a `: keep-alive` comment every `keepAliveMs`, so
 * that Cloudflare's edge never closes a quiet stream.
 *
 * @example
 * const stream = live.follow(`export:${id}`, [{ event: "status", data: now }]);
 * live.publish(`export:${id}`, { event: "status", data: next });
 * live.end(`export:${id}`);
 */
export class Live {
  private readonly topics = new Map<string, Set<Listener>>();
  private readonly watchers = new Map<string, Set<(event: StreamEvent) => void>>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly keepAliveMs: number) {}

  /** A stream of `replay`, then of everything published on `topic` until `end(topic)`. */
  follow(topic: string, replay: StreamEvent[]): ReadableStream<Uint8Array> {
    // workerd's native pipe: the bytes cross RPC to the Worker without a JavaScript step per event.
    const { readable, writable } = new IdentityTransformStream();
    const listener: Listener = { writer: writable.getWriter(), lastWrite: Date.now() };
    for (const event of replay) this.write(topic, listener, formatEvent(event));
    let listeners = this.topics.get(topic);
    if (!listeners) this.topics.set(topic, (listeners = new Set()));
    listeners.add(listener);
    this.timer ??= setInterval(() => this.keepAlive(), Math.max(10, Math.floor(this.keepAliveMs / 2)));
    return readable;
  }

  /** Calls `watcher` with every event published on `topic` until `end(topic)`: how one feature hears another's. */
  watch(topic: string, watcher: (event: StreamEvent) => void): void {
    let watchers = this.watchers.get(topic);
    if (!watchers) this.watchers.set(topic, (watchers = new Set()));
    watchers.add(watcher);
  }

  publish(topic: string, event: StreamEvent): void {
    const listeners = this.topics.get(topic);
    if (listeners?.size) {
      const bytes = formatEvent(event);
      for (const listener of listeners) this.write(topic, listener, bytes);
    }
    for (const watcher of this.watchers.get(topic) ?? []) watcher(event);
  }

  /** Closes every stream that follows `topic`: what they follow is over. */
  end(topic: string): void {
    for (const listener of this.topics.get(topic) ?? []) listener.writer.close().catch(() => {});
    this.topics.delete(topic);
    this.watchers.delete(topic);
    if (this.topics.size === 0) this.stopTimer();
  }

  private keepAlive(): void {
    const now = Date.now();
    for (const [topic, listeners] of this.topics)
      for (const listener of listeners) if (now - listener.lastWrite >= this.keepAliveMs) this.write(topic, listener, KEEP_ALIVE);
  }

  private write(topic: string, listener: Listener, bytes: Uint8Array): void {
    listener.lastWrite = Date.now();
    // Not awaited: a slow reader must not hold the work up. A reader that left makes the write fail.
    listener.writer.write(bytes).catch(() => {
      const listeners = this.topics.get(topic);
      listeners?.delete(listener);
      if (listeners?.size === 0) this.topics.delete(topic);
      if (this.topics.size === 0) this.stopTimer();
    });
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** A stream of `events` that ends with them: what is over needs no listener. */
export function replayed(events: StreamEvent[]): ReadableStream<Uint8Array> {
  return new Blob(events.map((event) => formatEvent(event) as BlobPart)).stream();
}

/** Headers of every event stream this API answers: nothing may cache or buffer it on the way. */
export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
} as const;

/** A stream from the visitor's Durable Object, answered as server-sent events. */
export const sseResponse = (stream: ReadableStream<Uint8Array>) => new Response(stream, { headers: SSE_HEADERS });

/** Where a reconnecting reader left off: the `Last-Event-ID` header (what `EventSource` sends), else `?after=`. */
export function lastEventId(header: string | undefined, query: string | undefined): number {
  const value = Number(header ?? query ?? 0);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}
