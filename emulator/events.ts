import type { Config } from "./config";
import { eventId } from "./ids";
import { stateOut } from "./sessions";
import type { Turn } from "./types";

/** One SSE frame; heartbeats do not count as events for `afterEvents`. */
export interface Frame {
  heartbeat: boolean;
  text: string;
}

const data = (value: unknown): Frame => ({ heartbeat: false, text: `data: ${JSON.stringify(value)}\n\n` });

/** The fields every ADK event carries. */
const adkBase = (turn: Pick<Turn, "invocationId">) => ({
  id: eventId(),
  invocationId: turn.invocationId,
  author: "nemo_agent",
  timestamp: Date.now() / 1000,
});

/** The tool call that opens a tool turn. */
export function toolCallFrame(turn: Turn, family: Config["eventFamily"]): Frame {
  const { tool: name, args = {} } = turn;
  if (family === "type") return data({ type: "tool_call", name, args });
  return data({
    content: { role: "model", parts: [{ functionCall: { id: turn.callId, name, args } }] },
    ...adkBase(turn),
    actions: { stateDelta: {} },
  });
}

/** The tool's result; in ADK form it carries the state delta that the turn applied. */
export function toolResultFrame(turn: Turn, family: Config["eventFamily"]): Frame {
  const { tool: name } = turn;
  const response = { status: "success" };
  if (family === "type") return data({ type: "tool_result", name, result: response });
  return data({
    content: { role: "user", parts: [{ functionResponse: { id: turn.callId, name, response } }] },
    ...adkBase(turn),
    actions: { stateDelta: stateOut(turn.delta) },
  });
}

/** About three chunks, cut between words. */
const wordChunks = (text: string): string[] => {
  const pieces = text.match(/\S+\s*/g) ?? [text];
  const size = Math.ceil(pieces.length / 3);
  return [0, 1, 2].map((i) => pieces.slice(i * size, (i + 1) * size).join("")).filter(Boolean);
};

/** Words of the replies' GUI phrases and of the notice, each to be cut in its middle. */
const PHRASE_WORDS = /Export|Preview|timeline|panel|Drag|temporary|导出|预览|面板|拖动/g;

/** Chunks cut inside every GUI phrase and the "temporary issue" notice, where a relay reading chunk by chunk stumbles. */
const phraseChunks = (text: string): string[] => {
  const cuts = [...text.matchAll(PHRASE_WORDS)].map((match) => match.index + Math.ceil(match[0].length / 2));
  return [0, ...cuts, text.length].slice(1).map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end)).filter(Boolean);
};

/** Assistant text: one event, or (ADK with `partialText`) partial chunks and then the whole text again. */
export function textFrames(turn: Turn, text: string, config: Config): Frame[] {
  if (config.eventFamily === "type") return [data({ type: "text", content: text })];
  const event = (part: string, partial?: boolean) =>
    data({
      content: { role: "model", parts: [{ text: part }] },
      ...(partial ? { partial: true } : {}),
      ...adkBase(turn),
    });
  const chunks = config.partialCut === "inside-phrases" ? phraseChunks(text) : wordChunks(text);
  const partials = config.partialText ? chunks.map((chunk) => event(chunk, true)) : [];
  return [...partials, event(text)];
}

/** A sign of life with no content, in the form `heartbeatForm` asks for (whatever the event family). */
export function heartbeatFrame(turn: Turn, config: Config): Frame {
  if (config.heartbeatForm === "comment") return { heartbeat: true, text: ": heartbeat\n\n" };
  if (config.heartbeatForm === "empty-data") return { heartbeat: true, text: "data: \n\n" };
  const json = config.heartbeatForm === "json" ? { type: "heartbeat" } : { ...adkBase(turn), actions: { stateDelta: {} } };
  return { ...data(json), heartbeat: true };
}

/**
 * An error inside the stream: `{"error":"…"}` (form "error", and always in the type family) or an ADK event
 * with `errorCode`/`errorMessage` (form "errorCode").
 */
export function errorFrame(
  turn: Pick<Turn, "invocationId">,
  form: "error" | "errorCode",
  code: string | number,
  message: string,
): Frame {
  if (form === "error") return data({ error: message, code });
  return data({ ...adkBase(turn), errorCode: String(code), errorMessage: message });
}
