import { createParser } from "eventsource-parser";

/** What NemoVideo's chat stream says, in our terms, whichever event family it used. */
export type UpstreamEvent =
  | { type: "text"; text: string; partial: boolean }
  | { type: "tool_call"; name: string }
  | { type: "tool_result"; name: string; stateDelta?: Record<string, unknown> }
  | { type: "error"; code?: number; message: string }
  | { type: "heartbeat" };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => !!value && typeof value === "object" && !Array.isArray(value);
const asText = (value: unknown) => (typeof value === "string" ? value : undefined);

function errorEvent(code: unknown, message: unknown): UpstreamEvent {
  const numeric = Number(code);
  return {
    type: "error",
    code: code != null && Number.isFinite(numeric) ? numeric : undefined,
    message: asText(message) ?? asText(code) ?? "error",
  };
}

/** Google ADK `Event` objects: `content.parts[]` with `text`, `functionCall` or `functionResponse`. */
function fromAdk(event: Json): UpstreamEvent[] {
  if (event.errorCode != null || event.errorMessage != null) return [errorEvent(event.errorCode, event.errorMessage)];
  const content = isObject(event.content) ? event.content : undefined;
  const parts = Array.isArray(content?.parts) ? content.parts.filter(isObject) : [];
  const stateDelta = isObject(event.actions) && isObject(event.actions.stateDelta) ? event.actions.stateDelta : undefined;
  const events: UpstreamEvent[] = [];
  for (const part of parts) {
    if (isObject(part.functionCall)) {
      events.push({ type: "tool_call", name: asText(part.functionCall.name) ?? "tool" });
    } else if (isObject(part.functionResponse)) {
      events.push({ type: "tool_result", name: asText(part.functionResponse.name) ?? "tool", stateDelta });
    } else if (typeof part.text === "string" && part.text && !part.thought && content?.role !== "user") {
      events.push({ type: "text", text: part.text, partial: event.partial === true });
    }
  }
  if (events.length === 0 && stateDelta && Object.keys(stateDelta).length > 0)
    events.push({ type: "tool_result", name: "state", stateDelta });
  return events;
}

/** The `{"type":…}` family some documents describe. */
function fromTyped(event: Json): UpstreamEvent[] {
  switch (event.type) {
    case "text": {
      const text = asText(event.content) ?? asText(event.text);
      return text ? [{ type: "text", text, partial: event.partial === true }] : [];
    }
    case "tool_call":
      return [{ type: "tool_call", name: asText(event.name) ?? "tool" }];
    case "tool_result": {
      const result = isObject(event.result) ? event.result : {};
      const delta = [result.state_delta, result.stateDelta, event.state_delta, event.stateDelta].find(isObject);
      return [{ type: "tool_result", name: asText(event.name) ?? "tool", stateDelta: delta }];
    }
    case "error":
      return [errorEvent(event.code, event.message ?? event.error)];
    default:
      return [{ type: "heartbeat" }];
  }
}

/** One `data:` payload as zero or more events. Anything unreadable counts as a sign of life, never as text. */
export function readUpstreamData(data: string): UpstreamEvent[] {
  if (!data.trim()) return [{ type: "heartbeat" }];
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    return [{ type: "heartbeat" }];
  }
  if (!isObject(event)) return [{ type: "heartbeat" }];
  if (event.error != null) {
    const error = isObject(event.error) ? event.error : { code: event.code, message: event.error };
    return [errorEvent(error.code, error.message)];
  }
  if (typeof event.type === "string") return fromTyped(event);
  const events = fromAdk(event);
  return events.length ? events : [{ type: "heartbeat" }];
}

/**
 * NemoVideo's `text/event-stream` body as a stream of events; SSE framing is parsed by `eventsource-parser`.
 * Heartbeat comments (`: heartbeat`) are dropped by the parser: silence is measured from content instead.
 * One stream stage decodes, parses and reads each chunk (issue 25's profile: every JS stream stage between the
 * body and the relay cost more per chunk than the parsing it carried, so the three stages became this one).
 */
export function upstreamEvents(body: ReadableStream<Uint8Array>): ReadableStream<UpstreamEvent> {
  const decoder = new TextDecoder();
  let parser: ReturnType<typeof createParser>;
  return body.pipeThrough(
    new TransformStream<Uint8Array, UpstreamEvent>({
      start(controller) {
        parser = createParser({
          onEvent: (message) => {
            for (const event of readUpstreamData(message.data)) controller.enqueue(event);
          },
          // A line past the parser's buffer leaves it unusable: the stream fails, as a cut one would.
          onError: (error) => {
            if (error.type === "max-buffer-size-exceeded") controller.error(error);
          },
        });
      },
      transform(chunk) {
        parser.feed(decoder.decode(chunk, { stream: true }));
      },
      flush() {
        parser.feed(decoder.decode());
      },
    }),
  );
}
