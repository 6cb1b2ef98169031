import { Hono } from "hono";
import { z } from "zod";
import { now } from "./clock";
import { config, ConfigPatchSchema, patchConfig, resetConfig } from "./config";
import { balanceOf } from "./credits";
import { armedFaults, armFault, clearFaults, FaultSchema } from "./faults";
import { clearRequests, requestsSince } from "./log";
import { resetStore, store } from "./store";
import type { AppEnv, User } from "./types";
import { issueToken, registeredUser } from "./users";
import { resetWebhooks, webhookRoutes } from "./webhooks";

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

const NewUser = z.object({ token: z.string().optional(), available: z.number().int().min(0).optional() }).strict();
const SetCredits = z
  .object({ token: z.string().optional(), userId: z.string().optional(), available: z.number().int() })
  .strict();

const ExpireTokens = z
  .object({ token: z.string().optional(), clientId: z.string().optional(), inMs: z.number().int().min(0).default(0) })
  .strict()
  .refine((body) => body.token !== undefined || body.clientId !== undefined, "token or clientId");

const invalid = (issues: z.core.$ZodIssue[]) => ({ error: "invalid body", issues });

/** Everything back to defaults: state, faults, config, the request log. */
export function resetAll(): void {
  resetStore();
  clearFaults();
  resetConfig();
  clearRequests();
  resetWebhooks();
}

/** `/__emulator/*`: the switches and records the tests and demos use. Never subject to faults or logging. */
export const controlRoutes = new Hono<AppEnv>()
  .route("/webhooks", webhookRoutes)
  .post("/reset", (c) => {
    resetAll();
    return c.json({ ok: true, config: config() });
  })
  .get("/config", (c) => c.json(config()))
  .post("/config", async (c) => {
    const patch = ConfigPatchSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!patch.success) return c.json(invalid(patch.error.issues), 400);
    return c.json(patchConfig(patch.data));
  })
  .get("/faults", (c) => c.json({ faults: armedFaults() }))
  .post("/faults", async (c) => {
    const fault = FaultSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!fault.success) return c.json(invalid(fault.error.issues), 400);
    armFault(fault.data);
    return c.json({ faults: armedFaults() });
  })
  .delete("/faults", (c) => {
    clearFaults();
    return c.json({ faults: [] });
  })
  .get("/requests", (c) => c.json({ requests: requestsSince(Number(c.req.query("since") ?? 0) || 0) }))
  .delete("/requests", (c) => {
    clearRequests();
    return c.json({ requests: [] });
  })
  .get("/tokens", (c) =>
    c.json({
      tokens: [...store.tokens.values()].map((issued) => ({ ...issued, expired: issued.expiresAt <= now() })),
      claimTokens: store.claimTokens,
    }),
  )
  .post("/tokens/expire", async (c) => {
    const body = ExpireTokens.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return c.json(invalid(body.error.issues), 400);
    // Unlike the expire-token fault, the 7-day windows stay where they were: a new token may well be refused.
    const expiring = [...store.tokens.values()].filter(
      (issued) => issued.expiresAt > now() && (issued.token === body.data.token || issued.clientId === body.data.clientId),
    );
    for (const issued of expiring) issued.expiresAt = now() + body.data.inMs;
    return c.json({ tokens: expiring.map(({ userId, clientId, expiresAt }) => ({ userId, clientId, expiresAt })) });
  })
  .get("/uploads", (c) => c.json({ uploads: store.uploads }))
  .post("/users", async (c) => {
    const body = NewUser.safeParse(await c.req.json().catch(() => ({})));
    if (!body.success) return c.json(invalid(body.error.issues), 400);
    const user = registeredUser(body.data.available);
    const issued = issueToken(user, { token: body.data.token, lifeMs: YEAR_MS });
    return c.json({ token: issued.token, userId: user.id, ...balanceOf(user) }, 201);
  })
  .post("/users/credits", async (c) => {
    const body = SetCredits.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return c.json(invalid(body.error.issues), 400);
    const userId = body.data.userId ?? store.tokens.get(body.data.token ?? "")?.userId;
    const user: User | undefined = userId ? store.users.get(userId) : undefined;
    if (!user) return c.json({ error: "unknown user" }, 404);
    user.available = body.data.available;
    return c.json({ userId: user.id, ...balanceOf(user) });
  });
