import type { RouteConfig } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { AppError, settle } from "../errors";
import { type AppEnv, errorResponse } from "../http";
import { sseResponse } from "../sse";
import type { KeptAnswer } from "./idempotency";

/**
 * The header, as the OpenAPI document shows it on every route that takes it: a parameter of the document only, so
 * that the typed client needs no `header` argument (it goes in the call's `headers` option).
 */
const KEY_PARAMETER = {
  name: "Idempotency-Key",
  in: "header" as const,
  required: false,
  description:
    "1–255 visible ASCII characters, chosen by the client (a UUID is good). Sent again with the same body within 24 hours, the first answer comes back (`Idempotent-Replayed: true`) and nothing new is started.",
  schema: { type: "string" as const, minLength: 1, maxLength: 255, example: "4f3c2a9e-8d1b-4c6a-9f0e-2b7d5e1a3c4f" },
};

export const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** The headers of an answer worth giving again; the rest (dates, CORS, security) are the replay's own. */
const KEPT_HEADERS = ["content-type", "location"];

/** An answer that says "not now" or "our fault" is not the request's answer: the key is free for a retry. */
const isFinal = (status: number) => status < 500 && status !== 408 && status !== 409 && status !== 429;

/** What identifies a request under its key: the call and its exact body. */
export async function fingerprint(call: string, body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${call}\n${body}`));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The key of a request, checked at the edge: undefined without one, a 400 for one that is not 1–255 visible ASCII. */
export function readKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!VALID_KEY.test(value)) throw new AppError("invalid_request", "The Idempotency-Key header must be 1 to 255 visible ASCII characters (no spaces).");
  return value;
}

/**
 * `Idempotency-Key` (IETF httpapi draft) on a call that starts work or spends credits: the same key with the same
 * body answers the first answer again with `Idempotent-Replayed: true`, starting nothing; another body → 422
 * `idempotency_key_reused`; while the first is being answered → 409 `idempotency_in_progress`. The keys are kept
 * in the visitor's Durable Object (`Idempotency`). A message (`turn`) answers its turn's stream: the replay is that
 * turn from its first event, read from the Object, not a copy of the bytes.
 */
const keyed = (answers: "json" | "turn") =>
  createMiddleware<AppEnv>(async (c, next) => {
    const key = readKey(c.req.header("Idempotency-Key"));
    if (!key) return next();
    const { stub } = c.var.visitor;
    const print = await fingerprint(`${c.req.method} ${c.req.path}`, await c.req.text());
    const decision = settle(await stub.idempotencyBegin(key, print));
    if (decision.replay) return replay(decision.answer, stub);
    try {
      await next();
    } catch (error) {
      await stub.idempotencyRelease(key);
      throw error;
    }
    const { status, headers } = c.res;
    if (!isFinal(status)) return void (await stub.idempotencyRelease(key));
    const kept = Object.fromEntries(KEPT_HEADERS.flatMap((name) => (headers.get(name) ? [[name, headers.get(name)!]] : [])));
    const streams = answers === "turn" && status === 200;
    const body = streams ? undefined : await c.res.clone().text();
    await stub.idempotencyAnswer(key, { status, headers: kept, ...(body === undefined ? {} : { body }) }, streams ? c.req.param("id") : undefined);
  });

async function replay(answer: KeptAnswer, stub: AppEnv["Variables"]["visitor"]["stub"]): Promise<Response> {
  const response = answer.turn
    ? sseResponse(settle(await stub.turnReplay(answer.turn.sessionId, answer.turn.turnId)))
    : new Response(answer.body ?? null, { status: answer.status, headers: answer.headers });
  response.headers.set("Idempotent-Replayed", "true");
  return response;
}

const IN_PROGRESS = "Or the first request with this Idempotency-Key is still being answered (`idempotency_in_progress`).";

/**
 * A route that takes `Idempotency-Key`: its middleware, the header among its parameters, and the 409 and 422 in its
 * answers, added to the route as it is declared.
 * @example const start = createRoute(idempotent({ method: "post", path: "/generations", … }));
 */
export function idempotent<P extends string, R extends Omit<RouteConfig, "path"> & { path: P }>(route: R, answers: "json" | "turn" = "json") {
  const conflict = route.responses[409];
  return {
    ...route,
    middleware: [...(route.middleware ? [route.middleware].flat() : []), keyed(answers)],
    parameters: [...(route.parameters ?? []), KEY_PARAMETER],
    responses: {
      ...route.responses,
      409: errorResponse(conflict && "description" in conflict ? `${conflict.description} ${IN_PROGRESS}` : IN_PROGRESS.replace("Or the", "The")),
      422: errorResponse("This Idempotency-Key was used with another request (`idempotency_key_reused`)."),
    },
  } as R;
}
