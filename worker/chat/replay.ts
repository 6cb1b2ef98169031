import type { StreamEvent } from "../sse";
import type { TurnRow } from "./table";

/**
 * A finished turn whose events were swept (an hour after it ended), told again as the conversation keeps it: its
 * reply as one `text`, then `done` with the reason it ended. Nothing is started again.
 */
export const asEnded = (turn: TurnRow): StreamEvent[] => [
  ...(turn.reply ? [{ event: "text", data: { text: turn.reply } }] : []),
  { event: "done", data: { reason: turn.reason ?? "complete" } },
];
