import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { now, sleep } from "./clock";
import { httpFail } from "./envelope";
import { forgetSession } from "./sessions";
import { store } from "./store";
import { WEEK_MS } from "./types";

export const FAULT_NAMES = [
  "expire-token",
  "revoke-token",
  "lose-session",
  "rate-limit",
  "server-error",
  "cut-stream",
  "stream-error",
  "fail-render",
  "shape-render",
  "duplicate-render",
  "edge-error",
  "slow",
  "no-credits",
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

/** `POST /__emulator/faults`: a fault armed for the next `times` matching requests. */
export const FaultSchema = z.object({
  fault: z.enum(FAULT_NAMES),
  times: z.number().int().positive().default(1),
  match: z
    .object({ path: z.string().optional(), clientId: z.string().optional(), sessionId: z.string().optional() })
    .strict()
    .default({}),
  params: z.record(z.string(), z.unknown()).default({}),
});

export type ArmedFault = z.infer<typeof FaultSchema>;
export type FaultParams = Record<string, unknown>;

/** What a fault may be matched against. */
export interface RequestFacts {
  path: string;
  token?: string;
  clientId?: string;
  sessionId?: string;
}

let armed: ArmedFault[] = [];

export const armFault = (fault: ArmedFault): void => void armed.push(fault);
export const armedFaults = (): ArmedFault[] => armed;
export const clearFaults = (): void => void (armed = []);

function matches({ match }: ArmedFault, facts: RequestFacts): boolean {
  return (
    (match.path === undefined || facts.path.includes(match.path)) &&
    (match.clientId === undefined || facts.clientId === match.clientId) &&
    (match.sessionId === undefined || facts.sessionId === match.sessionId)
  );
}

/** Uses up one shot of the first armed `name` fault matching `facts`, returning its params. */
export function takeFault(name: FaultName, facts: RequestFacts): FaultParams | undefined {
  const fault = armed.find((candidate) => candidate.fault === name && matches(candidate, facts));
  if (!fault) return undefined;
  fault.times -= 1;
  if (fault.times <= 0) armed = armed.filter((candidate) => candidate !== fault);
  return fault.params;
}

const SESSION_IN_PATH = /\/(\d{19})(?:\/|$)/;

/** Token, client id and session id of a request; a JSON body is read (Hono caches it for the handler). */
export async function factsOf(c: Context): Promise<RequestFacts> {
  const token = c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
  const owner = token ? store.users.get(store.tokens.get(token)?.userId ?? "") : undefined;
  let sessionId = SESSION_IN_PATH.exec(c.req.path)?.[1];
  if (!sessionId && c.req.header("content-type")?.includes("application/json")) {
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body && typeof body === "object") {
      const { session_id, sessionId: camel } = body as Record<string, unknown>;
      sessionId = typeof session_id === "string" ? session_id : typeof camel === "string" ? camel : undefined;
    }
  }
  return { path: c.req.path, token, clientId: c.req.header("x-client-id") ?? owner?.clientId, sessionId };
}

/** What the edge in front of NemoVideo answers when the origin fails (Cloudflare's 52x): an HTML page, no envelope. */
const edgePage = (status: number) =>
  new Response(`<!DOCTYPE html><html><head><title>${status}</title></head><body>error code: ${status}</body></html>`, {
    status,
    headers: { "content-type": "text/html; charset=UTF-8", server: "cloudflare" },
  });

const numberParam = (params: FaultParams, key: string, fallback: number): number =>
  typeof params[key] === "number" ? params[key] : fallback;

/**
 * Applies the faults that act before any handler: delays, refusals, and changes of state (an expired token,
 * a forgotten session, emptied credits) that the handler then meets as the real API would. Stream and
 * render faults are taken by their handlers.
 */
export const applyFaults: MiddlewareHandler = async (c, next) => {
  if (armed.length === 0) return next();
  const facts = await factsOf(c);
  const slow = takeFault("slow", facts);
  if (slow) await sleep(numberParam(slow, "ms", 1000));
  if (takeFault("rate-limit", facts)) return httpFail(c, 429, "rate limit exceeded");
  const edgeError = takeFault("edge-error", facts);
  if (edgeError) return edgePage(numberParam(edgeError, "status", 520));
  const serverError = takeFault("server-error", facts);
  if (serverError) {
    const status = numberParam(serverError, "status", 503);
    return httpFail(c, status as ContentfulStatusCode, String(serverError.message ?? "service unavailable"));
  }
  const issued = facts.token ? store.tokens.get(facts.token) : undefined;
  if (issued && takeFault("expire-token", facts)) {
    // As if its week had passed: expired, and no longer counted against the one-token-per-client rule.
    issued.expiresAt = now();
    issued.issuedAt = issued.expiresAt - WEEK_MS;
  }
  // Refused in the middle of its week: the client's one token a week is spent, so a new one is refused too.
  if (issued && takeFault("revoke-token", facts)) issued.expiresAt = now();
  if (facts.sessionId && store.sessions.has(facts.sessionId) && takeFault("lose-session", facts)) {
    forgetSession(facts.sessionId);
  }
  const user = issued ? store.users.get(issued.userId) : undefined;
  const noCredits = user ? takeFault("no-credits", facts) : undefined;
  if (user && noCredits) user.available = numberParam(noCredits, "available", 0);
  return next();
};
