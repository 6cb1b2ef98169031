import { config as currentConfig } from "./config";
import { now, scaled, sleep } from "./clock";
import { errorFrame, type Frame, heartbeatFrame, textFrames, toolCallFrame, toolResultFrame } from "./events";
import { TEMPORARY_ISSUE } from "./replies";
import { settleAll } from "./settle";
import { abortTurn } from "./turn-state";
import type { Turn } from "./types";

/** How a fault ends the stream early: closed after N events, or an error event after N events. */
export interface StreamFault {
  afterEvents: number;
  error?: { form: "error" | "errorCode"; code: string | number; message: string };
}

const sleepUntil = (at: number) => sleep(at - now());

/** The turn's frames, each sent when its time comes: tool call, heartbeats, then result and text at the end. */
async function* turnFrames(turn: Turn): AsyncGenerator<Frame> {
  const config = currentConfig();
  if (turn.tool) yield toolCallFrame(turn, config.eventFamily);
  const period = scaled(config.heartbeatMs);
  for (let at = turn.startedAt + period; at < turn.endsAt; at += period) {
    await sleepUntil(at);
    yield heartbeatFrame(turn, config);
  }
  await sleepUntil(turn.endsAt);
  // The state is applied before the last events go out, so a client reading it after the stream sees the change.
  settleAll();
  if (turn.tool) yield toolResultFrame(turn, config.eventFamily);
  if (turn.text !== null) yield* textFrames(turn, turn.text, config);
  // After a silent edit too: the notice is no sign that the work failed.
  if (config.trailingTemporaryIssue) yield* textFrames(turn, TEMPORARY_ISSUE, config);
}

const encoder = new TextEncoder();

/** Frames as a byte stream that closes at the end, or after `cut.afterEvents` events with an optional last frame. */
export function framesStream(
  frames: AsyncGenerator<Frame>,
  cut?: { afterEvents: number; last?: () => Frame },
): ReadableStream<Uint8Array> {
  let events = 0;
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await frames.next();
        if (cancelled) return;
        if (next.done) return controller.close();
        controller.enqueue(encoder.encode(next.value.text));
        if (!next.value.heartbeat) events += 1;
        if (cut && events >= cut.afterEvents) {
          if (cut.last) controller.enqueue(encoder.encode(cut.last().text));
          controller.close();
          await frames.return(undefined);
        }
      },
      cancel() {
        // The client left: stop sending. The turn itself is a record with a clock and settles all the same.
        cancelled = true;
        void frames.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** The SSE body of a running turn, with an optional fault (`cut-stream`, `stream-error`). */
export function turnStream(turn: Turn, fault?: StreamFault): ReadableStream<Uint8Array> {
  const error = fault?.error;
  // A stream error ends the turn for good: no state change, credits back. A cut stream leaves it running.
  const last = error
    ? () => {
        abortTurn(turn);
        return errorFrame(turn, error.form, error.code, error.message);
      }
    : undefined;
  return framesStream(turnFrames(turn), fault && { afterEvents: fault.afterEvents, last });
}

/** A stream of one error event (credits refused with `creditsErrorForm: "event"`). */
export function errorStream(frame: Frame): ReadableStream<Uint8Array> {
  return framesStream(
    (async function* () {
      yield frame;
    })(),
  );
}

/** Response headers of every event stream. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
};
