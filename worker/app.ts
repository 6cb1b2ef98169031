import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Config, Env } from "./config";
import { AppError } from "./errors";
import type { VisitorContext } from "./visitors/context";

export interface AppEnv {
  Bindings: Env;
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
