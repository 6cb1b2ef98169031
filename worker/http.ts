import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Bindings, Config } from "./config";
import { AppError } from "./errors";
import { readKey, secretOf, withDownload } from "./signing";
import { VisitorContext } from "./visitor/context";

/** What every route of the API sees: the bindings, the configuration, and (behind a key) the visitor. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: { config: Config; visitor: VisitorContext };
}

/** The body of every error answer. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "not_found" }),
      message: z.string().openapi({ example: "That session was not found." }),
      link: z.string().optional().openapi({ description: "The way out, when there is one (registration, top-up)." }),
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

/** Answers an AppError as `{"error":{…}}` with its status. */
export const sendError = (c: Context, error: AppError) => c.json({ error: error.toJSON() }, error.status);

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

/** Requires `Authorization: Bearer <visitor key>` and puts the visitor's context on the request. */
export const requireVisitor = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("Authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const visitorId = match ? await readKey(match[1], secretOf(c.var.config)) : undefined;
  if (!visitorId)
    throw new AppError(
      "unauthorized",
      "This call needs a visitor key: create one with POST /api/v1/visitors and send it as `Authorization: Bearer <key>`.",
    );
  c.set("visitor", new VisitorContext(c.env, c.var.config, visitorId));
  await next();
});

/** A job (an export or a generation) as the API shows it: with a fresh signed download link once it is completed. */
export const signedView = <T extends { status: string; exportId?: string }>(c: { var: AppEnv["Variables"] }, job: T) =>
  withDownload(job, c.var.visitor.visitorId, secretOf(c.var.config));
