import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { isForgotten } from "./account/cache";
import { forgotten } from "./account/refusals";
import { Caller } from "./caller";
import type { Bindings, Config } from "./config";
import { AppError } from "./errors";
import { networkOf } from "./network";
import { checkLink, type LinkKind, readKey, secretOf, withDownload } from "./signing";

/** What every route of the API sees: the bindings, the configuration, and (behind a key) the visitor. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: { config: Config; visitor: Caller };
}

/** The body of every error answer. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "not_found" }),
      message: z.string().openapi({ example: "That session was not found." }),
      link: z.string().optional().openapi({ description: "The way out, when there is one (registration, top-up)." }),
      retryAt: z.number().optional().openapi({ description: "When a refusal that passes (a limit) lets up: epoch milliseconds." }),
    }),
  })
  .openapi("Error");

export const errorResponse = (description: string) => ({
  content: { "application/json": { schema: ErrorBody } },
  description,
});

export const unauthorized = errorResponse("No valid visitor key.");

/** The OpenAPI security of the routes that need a visitor key. */
export const security = [{ visitorKey: [] }];

/** Answers an AppError as `{"error":{…}}` with its status (and `Retry-After` when it passes). */
export function sendError(c: Context, error: AppError) {
  if (error.retryAt) c.header("Retry-After", String(Math.max(1, Math.ceil((error.retryAt - Date.now()) / 1000))));
  return c.json({ error: error.toJSON() }, error.status);
}

/** A router for one feature; validation failures answer `invalid_request` with a sentence naming the fields. */
export const createRouter = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const problems = result.error.issues
        .slice(0, 3)
        .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
      return sendError(c, new AppError("invalid_request", `The request is not valid (${problems.join("; ")}).`));
    },
  });

/**
 * The visitor that the request's `Authorization: Bearer <visitor key>` names, with the client network it counts
 * to, or a 401 AppError for no key, a bad or expired key (saying how to get one: `what` needs it), or a forgotten
 * visitor.
 */
export async function authenticate(c: Context<AppEnv>, what = "This call"): Promise<Caller> {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "");
  const holder = match ? await readKey(match[1], secretOf(c.var.config)) : undefined;
  if (!holder)
    throw new AppError(
      "unauthorized",
      `${what} needs a valid visitor key: create one with POST /api/v1/visitors and send it as \`Authorization: Bearer <key>\` (a key works for 30 days).`,
    );
  if (await isForgotten(c.env, holder.visitorId)) throw forgotten();
  // A key from before keys carried the network counts to the address it asks from.
  const network = holder.network ?? networkOf(c.req.header("CF-Connecting-IP"));
  return new Caller(c.env, c.var.config, holder.visitorId, network);
}

/**
 * The visitor that a bearer token checked elsewhere names (an OAuth grant's, worker/oauth/), or a 401 AppError
 * when that visitor was forgotten since.
 */
export async function callerOf(c: Context<AppEnv>, visitorId: string, network?: string): Promise<Caller> {
  if (await isForgotten(c.env, visitorId)) throw forgotten();
  return new Caller(c.env, c.var.config, visitorId, network);
}

/** Requires `Authorization: Bearer <visitor key>` and puts the visitor's context on the request. */
export const requireVisitor = createMiddleware<AppEnv>(async (c, next) => {
  c.set("visitor", await authenticate(c));
  await next();
});

/**
 * A job (an export or a generation) as the API shows it: with a fresh signed download link once it is completed,
 * absolute, so that it works wherever it is handed (a player, an agent, a webhook receiver).
 */
export const signedView = <T extends { status: string; exportId?: string; deletedAt?: number }>(
  c: { var: AppEnv["Variables"]; req: { url: string } },
  job: T,
) => withDownload(job, c.var.visitor.visitorId, secretOf(c.var.config), new URL(c.req.url).origin);

/** The largest JSON body any route takes: a message or a prompt (4000 characters) fits, with room. */
export const JSON_BODY_MAX_BYTES = 24 * 1024;

/**
 * A route's body limit, declared on the route (`middleware: [smallBody, …]`, before its authentication): held to
 * `JSON_BODY_MAX_BYTES` before anything reads it. The routes that take a file declare their own check instead
 * (an upload's multipart as it streams, a part against its size, a poster against its limit).
 */
export const smallBody = createMiddleware<AppEnv>((c, next) => jsonLimit(c, next));
const jsonLimit = bodyLimit({
  maxSize: JSON_BODY_MAX_BYTES,
  onError: () => {
    throw new AppError("body_too_large", `That request is too large: ${JSON_BODY_MAX_BYTES / 1024} KB at most (a message, 4000 characters).`);
  },
});

/** The query of a signed link (signing.ts `signedLink`): whose it is, until when, and the signature. */
export const SignedQuery = z.object({ v: z.uuid().optional(), exp: z.string().optional(), sig: z.string().optional() });

/** The visitor key, or else a valid signature of a link of this kind for the path's `id`, names the visitor. */
export const keyOrSignature = (kind: LinkKind) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.header("Authorization")) return requireVisitor(c, next);
    const { v, exp, sig } = c.req.query();
    const id = c.req.param("id") ?? "";
    if (!v || !exp || !sig || !(await checkLink(kind, id, v, Number(exp), sig, secretOf(c.var.config))))
      throw new AppError("unauthorized", "This link is not valid or has expired. Open the video again for a fresh link.");
    c.set("visitor", new Caller(c.env, c.var.config, v));
    await next();
  });
