import type { MiddlewareHandler } from "hono";
import { now } from "./clock";
import { settleRender } from "./render-jobs";
import { store } from "./store";
import { settleTurn } from "./turn-state";

/** Applies everything that has finished by now: turns and renders are records with a clock, not timers. */
export function settleAll(at = now()): void {
  for (const session of store.sessions.values()) settleTurn(session, at);
  for (const render of store.renders.values()) settleRender(render, at);
}

/** Every request first sees the world as it is now. */
export const settleFirst: MiddlewareHandler = async (_c, next) => {
  settleAll();
  await next();
};
