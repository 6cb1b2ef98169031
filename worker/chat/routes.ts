import { createRoute, z } from "@hono/zod-openapi";
import { settle } from "../errors";
import { createRouter, errorResponse, requireVisitor, security, smallBody, unauthorized } from "../http";
import { SessionParams } from "../sessions/schema";
import { lastEventId, sseResponse } from "../sse";
import { Conversation, Message, TurnEvent } from "./schema";
import { idempotent } from "../idempotency/middleware";

const send = createRoute(idempotent({
  method: "post",
  path: "/sessions/{id}/messages",
  tags: ["Chat"],
  summary: "Send a message; the reply streams back as server-sent events",
  description:
    "Events: `text`, `activity`, `working`, `action`, `timeline`, `error`, and `done` last; each has an `id:` that only grows. A `: keep-alive` comment goes out while nothing else does. The turn runs in the visitor's Durable Object and goes on to its end if this stream is closed: `GET /sessions/{id}/turn` picks it up again. Nothing is ever sent to NemoVideo twice on the person's behalf.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: SessionParams, body: { content: { "application/json": { schema: Message } }, required: true } },
  responses: {
    200: {
      content: { "text/event-stream": { schema: TurnEvent } },
      description: "The turn's events: each SSE `event:` is the `event` here, its `data:` the JSON `data`.",
    },
    400: errorResponse("No message, or too long."),
    401: unauthorized,
    404: errorResponse("No such session for this visitor."),
    409: errorResponse("A reply is still being written in this session."),
    429: errorResponse("The visitor's daily messages are used up (shared account only)."),
  },
}, "turn"));

const resume = createRoute({
  method: "get",
  path: "/sessions/{id}/turn",
  tags: ["Chat"],
  summary: "Pick up the running (or last) turn after a reload or a lost connection",
  description:
    "The events after `Last-Event-ID` (the header `EventSource` sends on reconnect; or `?after=`), then the rest live until `done`. 204 when there is nothing to resume: no turn yet, or a finished one already seen to its end.",
  security,
  middleware: [smallBody, requireVisitor],
  request: {
    params: SessionParams,
    query: z.object({ after: z.string().regex(/^\d+$/).optional().openapi({ description: "The last event id seen." }) }),
    headers: z.object({ "last-event-id": z.string().optional() }),
  },
  responses: {
    200: { content: { "text/event-stream": { schema: TurnEvent } }, description: "The turn's events, as for a message." },
    204: { description: "Nothing to resume." },
    401: unauthorized,
    404: errorResponse("No such session for this visitor."),
  },
});

const conversation = createRoute({
  method: "get",
  path: "/sessions/{id}/messages",
  tags: ["Chat"],
  summary: "The conversation so far: each message and the reply written to it",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: SessionParams },
  responses: {
    200: { content: { "application/json": { schema: Conversation } }, description: "Oldest first." },
    401: unauthorized,
    404: errorResponse("No such session for this visitor."),
  },
});

const cancel = createRoute({
  method: "post",
  path: "/sessions/{id}/turn/cancel",
  tags: ["Chat"],
  summary: "Stop waiting for the reply being written",
  description:
    "The turn's stream ends with `done` (`cancelled`) after the timeline as it stands. NemoVideo is not told (its API has no way to stop a message): it may still finish the work, and the timeline will show it. 204 when no reply is being written.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: SessionParams },
  responses: {
    202: { description: "Stopped waiting." },
    204: { description: "No reply is being written." },
    401: unauthorized,
    404: errorResponse("No such session for this visitor."),
  },
});

export const chat = createRouter()
  .openapi(send, async (c) => {
    const { id } = c.req.valid("param");
    const { text } = c.req.valid("json");
    const { visitorId, stub, network } = c.var.visitor;
    return sseResponse(settle(await stub.turnStart(visitorId, id, text, network))) as never;
  })
  .openapi(resume, async (c) => {
    const { id } = c.req.valid("param");
    const after = lastEventId(c.req.valid("header")["last-event-id"], c.req.valid("query").after);
    const stream = settle(await c.var.visitor.stub.turnFollow(id, after));
    return (stream ? sseResponse(stream) : c.body(null, 204)) as never;
  })
  .openapi(cancel, async (c) => {
    const stopped = settle(await c.var.visitor.stub.turnCancel(c.req.valid("param").id));
    return c.body(null, stopped ? 202 : 204);
  })
  .openapi(conversation, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(settle(await c.var.visitor.stub.conversationRead(id)), 200);
  });
