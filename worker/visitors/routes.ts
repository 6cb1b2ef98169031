import { createRoute, z } from "@hono/zod-openapi";
import ipaddr from "ipaddr.js";
import { AppError } from "../errors";
import { createRouter, errorResponse, security, unauthorized } from "../http";
import { issueKey, secretOf } from "../signing";

const NewVisitor = z
  .object({
    visitorId: z.uuid(),
    key: z.string().openapi({
      description: "Send as `Authorization: Bearer <key>` on every other call. It works for 30 days; trade it for a fresh one with `POST /visitors/me/key` while in use.",
    }),
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

const renewKey = createRoute({
  method: "post",
  path: "/visitors/me/key",
  tags: ["Visitors"],
  summary: "A fresh key for the same visitor",
  description: "Keys expire 30 days after they are issued; the page trades its key for a fresh one while it is in use.",
  security,
  responses: {
    200: { content: { "application/json": { schema: NewVisitor } }, description: "The visitor and its fresh key." },
    401: unauthorized,
  },
});

const forget = createRoute({
  method: "delete",
  path: "/visitors/me",
  tags: ["Visitors"],
  summary: "Forget this visitor",
  description:
    "Deletes everything kept for the visitor: sessions, conversations, exports, generations, uploads (and their parts in R2), the NemoVideo token and every copy in KV. Renders still running are stopped. Its keys are refused from then on. What NemoVideo itself keeps is NemoVideo's.",
  security,
  responses: { 204: { description: "Forgotten." }, 401: unauthorized },
});

/**
 * Who a request comes from, for the limit on new visitors: the address, or for IPv6 its /64 (one household or
 * one server gets a whole /64, and walking it must not walk around the limit).
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts.slice(0, 4).map((part) => part.toString(16)).join(":")}::/64`;
}

export const visitors = createRouter()
  .openapi(createVisitor, async (c) => {
    // Each visitor may cost a free NemoVideo account, and the deployment has only a few a week.
    const address = c.req.header("CF-Connecting-IP");
    if (address && c.env.VISITOR_LIMITER && !(await c.env.VISITOR_LIMITER.limit({ key: addressKey(address) })).success)
      throw new AppError("rate_limited", "Too many new visitors from your network just now. Please wait a minute and try again.");
    const visitorId = crypto.randomUUID();
    const key = await issueKey(visitorId, secretOf(c.var.config));
    return c.json({ visitorId, key }, 201);
  })
  .openapi(renewKey, async (c) => {
    const { visitorId } = c.var.visitor;
    return c.json({ visitorId, key: await issueKey(visitorId, secretOf(c.var.config)) }, 200);
  })
  .openapi(forget, async (c) => {
    const { visitorId, stub } = c.var.visitor;
    await stub.forget(visitorId);
    return c.body(null, 204);
  });
