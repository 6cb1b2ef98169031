import * as bridge from "../bridge";
import { addLine } from "../state";
import type { Trouble } from "../words";

/** The message of the turn running now, as sent (Retry sends it again), and whether it failed. */
export const running: { turn?: { sent: string; failed: boolean } } = {};

/** Says what went wrong in the conversation (and to the widget's host); a running turn's failure offers Retry. */
export function showTrouble(trouble: Trouble): void {
  const turn = running.turn;
  if (turn) turn.failed = true;
  addLine({ role: "error", text: trouble.text, link: trouble.link, retry: turn?.sent || undefined });
  bridge.error({ code: trouble.code, message: trouble.text });
}
