import type { ClientResponse } from "hono/client";
import { ApiError, errorOf, reach } from "./api";
import { readSse } from "./sse";

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

/** Reads an event stream answer, handing each event over (its data parsed) as it arrives. Resolves when the stream ends. */
async function readEvents(response: Answer, onEvent: (event: StreamEvent) => void) {
  if (!response.ok) throw await errorOf(response);
  if (!response.body) return;
  try {
    await readSse(response.body, ({ id, event, data }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        return;
      }
      onEvent({ id, event, data: parsed });
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError("network", String(error));
  }
}
