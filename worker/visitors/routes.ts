import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../errors";
import { createRouter, errorResponse } from "../http";
import { issueKey, secretOf } from "../signing";

const NewVisitor = z
  .object({
    visitorId: z.uuid(),
    key: z.string().openapi({ description: "Send as `Authorization: Bearer <key>` on every other call." }),
  })
  .openapi("Visitor");

const createVisitor = createRoute({
  method: "post",
  path: "/visitors",
  tags: ["Visitors"],
  summary: "Become a visitor",
  description:
    "Issues a signed key for a new visitor. The visitor's NemoVideo account (an anonymous one, unless the operator configured a shared token) is made on first use and never leaves the server.",
  responses: {
    201: { content: { "application/json": { schema: NewVisitor } }, description: "The new visitor and its key." },
    429: errorResponse("Too many new visitors from this address just now."),
  },
});

export const visitors = createRouter().openapi(createVisitor, async (c) => {
  // Each visitor may cost an anonymous NemoVideo account, and NemoVideo allows only a few per address.
  const address = c.req.header("CF-Connecting-IP");
  if (address && c.env.VISITOR_LIMITER && !(await c.env.VISITOR_LIMITER.limit({ key: address })).success)
    throw new AppError("rate_limited", "Too many new visitors from your network just now. Please wait a minute and try again.");
  const visitorId = crypto.randomUUID();
  const key = await issueKey(visitorId, secretOf(c.var.config));
  return c.json({ visitorId, key }, 201);
});
