import { createRoute } from "@hono/zod-openapi";
import { createRouter, errorResponse, requireVisitor, security, smallBody, unauthorized } from "../http";
import { COSTS_SENTENCE, Credits } from "./schema";

const route = createRoute({
  method: "get",
  path: "/credits",
  tags: ["Credits"],
  summary: "The visitor's NemoVideo credits",
  description: COSTS_SENTENCE,
  security,
  middleware: [smallBody, requireVisitor],
  responses: {
    200: { content: { "application/json": { schema: Credits } }, description: "The balance." },
    401: unauthorized,
    503: errorResponse("NemoVideo could not be reached."),
  },
});

export const credits = createRouter().openapi(route, async (c) => c.json(await c.var.visitor.nemo.credits(), 200));
