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
