import { createRoute, z } from "@hono/zod-openapi";
import type { Bindings } from "../config";
import { AppError, settle } from "../errors";
import { createRouter, errorResponse, requireVisitor, security, smallBody, unauthorized } from "../http";
import { networkOf, prefixOf } from "../network";
import { revokeAll } from "../oauth/grants";
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
  middleware: [smallBody],
  responses: {
    201: { content: { "application/json": { schema: NewVisitor } }, description: "The new visitor and its key." },
    429: errorResponse("Too many new visitors from this network just now."),
  },
});

const renewKey = createRoute({
  method: "post",
  path: "/visitors/me/key",
  tags: ["Visitors"],
  summary: "A fresh key for the same visitor",
  description: "Keys expire 30 days after they are issued; the page trades its key for a fresh one while it is in use.",
  security,
  middleware: [smallBody, requireVisitor],
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
    "Deletes everything kept for the visitor: sessions, conversations, exports, generations, uploads (and their parts in R2), the NemoVideo token and every copy in KV, and the apps signed in as it (their OAuth grants). Renders still running are stopped. Its keys are refused from then on. What NemoVideo itself keeps is NemoVideo's.",
  security,
  middleware: [smallBody, requireVisitor],
  responses: { 204: { description: "Forgotten." }, 401: unauthorized },
});

/**
 * Whether one more new visitor may come from `address` this minute: at most `VISITOR_LIMITER`'s count from one
 * IPv4 address or IPv6 /64 (one home's LAN), and for IPv6 at most `NETWORK_LIMITER`'s from its /56 (one
 * subscriber's usual allocation), so that walking the /64s of a /56 doesn't walk around the first.
 */
async function mayArrive(env: Bindings, address: string | undefined): Promise<boolean> {
  const home = prefixOf(address, 64);
  if (!home || !env.VISITOR_LIMITER) return true;
  if (!(await env.VISITOR_LIMITER.limit({ key: home })).success) return false;
  const subscriber = prefixOf(address, 56)!;
  return subscriber === home || !env.NETWORK_LIMITER || (await env.NETWORK_LIMITER.limit({ key: subscriber })).success;
}

export const visitors = createRouter()
  .openapi(createVisitor, async (c) => {
    // Each visitor may cost a free NemoVideo account, and the deployment has only a few a week.
    const address = c.req.header("CF-Connecting-IP");
    if (!(await mayArrive(c.env, address)))
      throw new AppError(
        "rate_limited",
        "Too many new visitors from your network just now. Please wait a minute and try again.",
        undefined,
        Date.now() + 60_000,
      );
    const visitorId = crypto.randomUUID();
    // The visitor carries its network from now on: its share of the free accounts and messages counts there.
    const key = await issueKey(visitorId, secretOf(c.var.config), Date.now(), networkOf(address));
    return c.json({ visitorId, key }, 201);
  })
  .openapi(renewKey, async (c) => {
    const { visitorId, network } = c.var.visitor;
    return c.json({ visitorId, key: await issueKey(visitorId, secretOf(c.var.config), Date.now(), network) }, 200);
  })
  .openapi(forget, async (c) => {
    const { visitorId, stub } = c.var.visitor;
    settle(await stub.visitorForget(visitorId));
    // The apps it allowed lose it too (worker/oauth/): /mcp would refuse them anyway; their grants need not wait to expire.
    await revokeAll(c.env, visitorId);
    return c.body(null, 204);
  });
