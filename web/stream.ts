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

/**
 * Follows a job (an export, a generation) by its `status` events, from the view `start` to a final status, showing
 * each; answers the last view seen and, when it isn't final, why the stream was given up.
 * @example const { latest } = await followStatus(start, isFinal, show, () => api.exports[":id"].events.$get(…));
 */
export async function followStatus<T>(start: T, isFinal: (view: T) => boolean, show: (view: T) => void, open: () => Promise<Answer>) {
  let latest = start;
  show(start);
  const { lost, error } = isFinal(start)
    ? {}
    : await followEvents({
        open,
        onEvent({ event, data }) {
          if (event === "status") show((latest = data as T));
          return isFinal(latest);
        },
      });
  return { latest, trouble: error ?? lost };
}

/** One event of the API's `text/event-stream` (`id:`, `event:`, `data:` lines), or undefined for a keep-alive comment. */
function parseEvent(block: string): { id?: string; event: string; data: string } | undefined {
  const fields: Record<string, string> = {};
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return fields.data === undefined ? undefined : { id: fields.id, event: fields.event || "message", data: fields.data };
}

/** Reads a `text/event-stream` answer, handing each event over as it arrives. Resolves when the stream ends. */
async function readEvents(response: Answer, onEvent: (event: StreamEvent) => void) {
  if (!response.ok) throw await errorOf(response);
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const blocks = (buffered + value).split("\n\n");
      buffered = blocks.pop()!;
      for (const block of blocks) {
        const event = parseEvent(block);
        let data: unknown;
        try {
          data = event && JSON.parse(event.data);
        } catch {
          continue;
        }
        if (event) onEvent({ id: event.id, event: event.event, data });
      }
    }
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError("network", String(error));
  } finally {
    reader.releaseLock();
  }
}
