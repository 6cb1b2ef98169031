import { Hono } from "hono";
import { ok } from "./envelope";
import type { AppEnv, User } from "./types";

/** Credits of a new registered user (anonymous ones get `anonCredits`, 100 unless the `ANON_CREDITS` var says otherwise). */
export const STARTING_CREDITS = 100;

/** Reserves `amount` for running work: available → frozen. */
export function freeze(user: User, amount: number): void {
  user.available -= amount;
  user.frozen += amount;
}

/** Work finished: the frozen amount is spent. */
export function spend(user: User, amount: number): void {
  user.frozen = Math.max(0, user.frozen - amount);
}

/** Work abandoned: the frozen amount goes back to available. */
export function refund(user: User, amount: number): void {
  spend(user, amount);
  user.available += amount;
}

/** `{available, frozen, total}` with total = available + frozen. */
export const balanceOf = (user: User) => ({
  available: user.available,
  frozen: user.frozen,
  total: user.available + user.frozen,
});

/** `GET /api/credits/balance/simple`. */
export const creditRoutes = new Hono<AppEnv>().get("/api/credits/balance/simple", (c) =>
  ok(c, balanceOf(c.get("user"))),
);
