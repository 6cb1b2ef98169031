import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, errorResponse, security, unauthorized } from "../http";

const Credits = z
  .object({
    available: z.number().openapi({ example: 100 }),
    frozen: z.number().openapi({ example: 0, description: "Reserved by work that is running." }),
    total: z.number().openapi({ example: 100 }),
  })
  .openapi("Credits");

const route = createRoute({
  method: "get",
  path: "/credits",
  tags: ["Credits"],
  summary: "The visitor's NemoVideo credits",
  description: "A generated clip costs about 100 credits, an editing turn about 50; export is free.",
  security,
  responses: {
    200: { content: { "application/json": { schema: Credits } }, description: "The balance." },
    401: unauthorized,
    503: errorResponse("NemoVideo could not be reached."),
  },
});

export const credits = createRouter().openapi(route, async (c) => c.json(await c.var.visitor.nemo.credits(), 200));
