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
 * The people following one thing (a chat turn, an export) from a Durable Object: each gets its own byte stream
 * of server-sent events, which crosses RPC to the Worker and goes out as the response body. A listener that
 * went away is dropped at its next write; the thing itself goes on. While nothing else is said, each listener
 * gets a `: keep-alive` comment every `keepAliveMs`, so that Cloudflare's edge never closes a quiet stream.
 */
export class LiveChannel {
  private readonly listeners = new Set<Listener>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly keepAliveMs: number) {}

  get size(): number {
    return this.listeners.size;
  }

  /** A new listener's stream: `replay` first, then everything published, until `end()` (or at once if `ended`). */
  open(replay: StreamEvent[], ended = false): ReadableStream<Uint8Array> {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const listener: Listener = { writer: writable.getWriter(), lastWrite: Date.now() };
    for (const event of replay) this.write(listener, formatEvent(event));
    if (ended) listener.writer.close().catch(() => {});
    else {
      this.listeners.add(listener);
      this.timer ??= setInterval(() => this.keepAlive(), Math.max(10, Math.floor(this.keepAliveMs / 2)));
    }
    return readable;
  }

  publish(event: StreamEvent): void {
    const bytes = formatEvent(event);
    for (const listener of this.listeners) this.write(listener, bytes);
  }

  /** Closes every listener's stream: the thing they follow is over. */
  end(): void {
    for (const listener of this.listeners) listener.writer.close().catch(() => {});
    this.listeners.clear();
    this.stopTimer();
  }

  private keepAlive(): void {
    const now = Date.now();
    for (const listener of this.listeners) if (now - listener.lastWrite >= this.keepAliveMs) this.write(listener, KEEP_ALIVE);
    if (this.listeners.size === 0) this.stopTimer();
  }

  private write(listener: Listener, bytes: Uint8Array): void {
    listener.lastWrite = Date.now();
    // Not awaited: a slow reader must not hold the turn up. A reader that left makes the write fail.
    listener.writer.write(bytes).catch(() => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopTimer();
    });
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
