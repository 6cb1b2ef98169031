import { EventSourceParserStream } from "eventsource-parser/stream";
import type { ClientResponse } from "hono/client";
import { ApiError, errorOf, reach } from "./api";

export interface StreamEvent {
  id?: string;
  event: string;
  data: unknown;
}

type Answer = Response | ClientResponse<unknown>;

/** How often a stream that broke off is opened again before the page gives up on it. */
const ATTEMPTS = 5;

/**
 * Follows an event stream to its final event, opening it again when the connection drops. `open` answers the
 * stream, or undefined when there is nothing left to follow (a 204). It settles with whether the final event
 * came, the last connection lost on the way (`lost`), and what ended it otherwise (`error`: a refusal, not
 * retried). Events that come after the final one are still handed over.
 * @example
 * const { finished, lost } = await followEvents({
 *   open: () => api.exports[":id"].events.$get({ param: { id } }),
 *   onEvent: ({ data }) => isFinal(data),
 * });
 */
export async function followEvents(stream: {
  open(): Promise<Answer | undefined>;
  /** True for the final event. */
  onEvent(event: StreamEvent): boolean;
}): Promise<{ finished: boolean; lost?: ApiError; error?: unknown }> {
  let finished = false;
  let lost: ApiError | undefined;
  for (let attempt = 0; !finished && attempt < ATTEMPTS; attempt++) {
    try {
      const response = await reach(stream.open());
      if (!response) return { finished };
      await readEvents(response, (event) => {
        if (stream.onEvent(event)) finished = true;
      });
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== "network") return { finished, lost, error };
      lost = error;
    }
  }
  return { finished, lost };
}

/** Reads a `text/event-stream` answer, handing each event over as it arrives. Resolves when the stream ends. */
async function readEvents(response: Answer, onEvent: (event: StreamEvent) => void) {
  if (!response.ok) throw await errorOf(response);
  if (!response.body) return;
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      let data: unknown;
      try {
        data = JSON.parse(value.data);
      } catch {
        continue;
      }
      onEvent({ id: value.id, event: value.event ?? "message", data });
    }
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError("network", String(error));
  } finally {
    reader.releaseLock();
  }
}
