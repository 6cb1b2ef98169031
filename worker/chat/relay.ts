import { AppError } from "../errors";
import type { Language } from "../language";
import { fromUpstream } from "../nemo/errors";
import type { UpstreamEvent } from "../nemo/events";
import type { Caller } from "../nemo/shapes";
import type { DoneReason, TurnEvent } from "./schema";
import { activityLabel, type GuiAction, MAKES_VIDEO, type Released, ReplyText, STILL_WORKING } from "./translate";

export interface RelayOptions {
  language: Language;
  caller: Caller;
  workingMs: number;
  capMs: number;
}

/**
 * Where a turn's events go: the visitor's Durable Object stores each one and hands it to every listener (whose
 * streams carry their own keep-alives). The turn is read to its end whoever listens.
 */
export type TurnSink = (event: TurnEvent) => void | Promise<void>;

export interface RelayResult {
  reason: DoneReason;
  /** An upstream error code that the caller must act on (1002: the session is gone). */
  lostSession: boolean;
}

const TICK = Symbol("tick");

function timer(ms: number) {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<typeof TICK>((resolve) => {
    handle = setTimeout(() => resolve(TICK), Math.max(0, ms));
  });
  return { promise, cancel: () => clearTimeout(handle) };
}

/**
 * Relays one chat turn: reads NemoVideo's events as they arrive and sends the person's events at once. Tool calls
 * become activity labels, text goes out a sentence at a time with its GUI wording translated (`ReplyText`),
 * heartbeats stay hidden, a `working` notice goes out after each stretch of silence, and the turn is given up
 * after `capMs`. The "temporary issue" notice is dropped when the turn had done fine before it: written text, or
 * tools that finished (a silent edit, whose change the timeline then tells). Returns how the turn ended; the caller
 * adds the timeline and `done`.
 */
export async function relayTurn(
  upstream: ReadableStream<UpstreamEvent>,
  sink: TurnSink,
  options: RelayOptions,
): Promise<RelayResult> {
  const started = Date.now();
  let lastContent = started;
  let sawText = false;
  let toolsDone = false;
  let pendingTools = 0;
  let lastActivity = "";
  const reply = new ReplyText();
  const actionsSent = new Set<GuiAction>();

  const send = async (event: TurnEvent) => {
    if (event.event !== "working") lastContent = Date.now();
    await sink(event);
  };

  const show = async ({ text, actions, notice }: Released) => {
    if (notice && !text && !sawText && !toolsDone)
      throw new AppError("upstream_error", "NemoVideo ran into a temporary problem with this reply. Please try again.");
    if (text.trim()) {
      sawText = true;
      await send({ event: "text", data: { text } });
    }
    for (const action of actions) {
      if (actionsSent.has(action)) continue;
      actionsSent.add(action);
      await send({ event: "action", data: { action } });
    }
  };

  const handle = async (event: UpstreamEvent) => {
    switch (event.type) {
      case "tool_call": {
        pendingTools++;
        const label = activityLabel(event.name, options.language);
        if (label === lastActivity) return;
        lastActivity = label;
        return send({ event: "activity", data: { tool: event.name, label, makesVideo: MAKES_VIDEO.test(event.name) } });
      }
      case "tool_result":
        pendingTools = Math.max(0, pendingTools - 1);
        toolsDone = true;
        return;
      case "text":
        return show(event.partial ? reply.partial(event.text) : reply.final(event.text));
      case "error":
        throw fromUpstream(event.code, 200, options.caller);
      case "heartbeat":
        return;
    }
  };

  const reader = upstream.getReader();
  let next = reader.read();
  // One timer for the silence, not one per event: it is armed for the notice (or the cap) as due when it was set,
  // and when it fires after content came meanwhile it is armed again for the later time.
  const due = () => Math.min(lastContent + options.workingMs, started + options.capMs) - Date.now();
  let wait = timer(due());
  try {
    for (;;) {
      const result = await Promise.race([next, wait.promise]);
      if (result === TICK) {
        wait = timer(due());
        const at = Date.now();
        if (at >= started + options.capMs) {
          await reader.cancel().catch(() => {});
          await send(errorEvent(new AppError("upstream_timeout", "This reply took longer than 15 minutes, so we stopped waiting. NemoVideo may still finish it: the timeline shows where it stands.")));
          return { reason: "timeout", lostSession: false };
        }
        if (at >= lastContent + options.workingMs) {
          await send({ event: "working", data: { elapsedMs: at - started, message: STILL_WORKING[options.language] } });
          lastContent = at;
          wait.cancel();
          wait = timer(due());
        }
        continue;
      }
      if (result.done) {
        const rest = reply.end();
        await show(rest);
        // The stream has no end marker: a tool still running or a half-sent message means the connection was cut.
        if (pendingTools > 0 || rest.cut) {
          await send(interrupted());
          return { reason: "interrupted", lostSession: false };
        }
        return { reason: "complete", lostSession: false };
      }
      next = reader.read();
      await handle(result.value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof AppError) {
      await send(errorEvent(error));
      return { reason: "error", lostSession: error.code === "session_lost" };
    }
    await send(interrupted());
    return { reason: "interrupted", lostSession: false };
  } finally {
    wait.cancel();
  }
}

export const errorEvent = (error: AppError): TurnEvent => ({ event: "error", data: error.toJSON() });

const interrupted = (): TurnEvent =>
  errorEvent(
    new AppError(
      "upstream_unavailable",
      "The connection to NemoVideo dropped before the reply finished. The work may still complete: the timeline shows where it stands.",
    ),
  );
