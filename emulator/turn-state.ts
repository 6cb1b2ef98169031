import { now, scaled } from "./clock";
import { freeze, refund, spend } from "./credits";
import { prefixedUuid } from "./ids";
import { store } from "./store";
import type { Session, Turn, TurnPlan, User } from "./types";

/** Starts a planned turn: its cost is frozen, its media get their CDN paths, the clock starts. */
export function startTurn(session: Session, user: User, plan: TurnPlan): Turn {
  freeze(user, plan.cost);
  for (const { path, clip } of plan.media) store.cdn.set(path, clip);
  const startedAt = now();
  const turn: Turn = {
    ...plan,
    invocationId: prefixedUuid("e-"),
    callId: prefixedUuid("adk-"),
    sessionId: session.id,
    userId: user.id,
    startedAt,
    endsAt: startedAt + scaled(plan.durationMs),
  };
  if (plan.kind === "edit") session.edits += 1;
  session.turn = turn;
  return turn;
}

/** Applies a finished turn: its state delta lands and its frozen credits are spent. */
export function settleTurn(session: Session, at = now()): void {
  const turn = session.turn;
  if (!turn || at < turn.endsAt) return;
  session.state = { ...session.state, ...turn.delta };
  const user = store.users.get(turn.userId);
  if (user) spend(user, turn.cost);
  session.turn = undefined;
}

/** A turn that failed midway: no state change, credits back. */
export function abortTurn(turn: Turn): void {
  const session = store.sessions.get(turn.sessionId);
  if (session?.turn !== turn) return;
  const user = store.users.get(turn.userId);
  if (user) refund(user, turn.cost);
  session.turn = undefined;
}
