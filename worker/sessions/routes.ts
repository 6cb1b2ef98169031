import { createRoute, z } from "@hono/zod-openapi";
import { settle } from "../errors";
import { createRouter, errorResponse, requireVisitor, security, smallBody, unauthorized } from "../http";
import { NewSession, SessionDetail, SessionParams, SessionSummary } from "./schema";
import { onSession } from "./access";
import { readSession } from "./sessions";
import { idempotent } from "../idempotency/middleware";
import { NextCursor, PageQuery, pageAsk } from "../cursor";

const notFound = errorResponse("No such session for this visitor.");
const sessionLost = errorResponse("NemoVideo lost the session: a fresh one took its place, the old timeline is gone.");

const create = createRoute(idempotent({
  method: "post",
  path: "/sessions",
  tags: ["Sessions"],
  summary: "Start a project",
  security,
  middleware: [smallBody, requireVisitor],
  request: { body: { content: { "application/json": { schema: NewSession } }, required: false } },
  responses: {
    201: { content: { "application/json": { schema: z.object({ sessionId: z.uuid() }) } }, description: "Created." },
    401: unauthorized,
  },
}));

const list = createRoute({
  method: "get",
  path: "/sessions",
  tags: ["Sessions"],
  summary: "The visitor's projects, newest first",
  security,
  middleware: [smallBody, requireVisitor],
  request: { query: PageQuery },
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ sessions: z.array(SessionSummary), nextCursor: NextCursor }) } },
      description: "A page of the sessions.",
    },
    400: errorResponse("A limit outside 1–100, or an `after` this API did not give."),
    401: unauthorized,
  },
});

const read = createRoute({
  method: "get",
  path: "/sessions/{id}",
  tags: ["Sessions"],
  summary: "A project's timeline",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: SessionParams },
  responses: {
    200: { content: { "application/json": { schema: SessionDetail } }, description: "The session's state." },
    401: unauthorized,
    404: notFound,
    410: sessionLost,
  },
});

const claim = createRoute({
  method: "get",
  path: "/sessions/{id}/claim",
  tags: ["Sessions"],
  summary: "A link that opens the project in NemoVideo's own editor",
  description: "The link carries a claim token, which can do nothing but open this project: it is safe to show.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: SessionParams },
  responses: {
    200: { content: { "application/json": { schema: z.object({ url: z.url() }) } }, description: "The link." },
    401: unauthorized,
    404: notFound,
    410: sessionLost,
  },
});

export const sessions = createRouter()
  .openapi(create, async (c) => {
    const body = c.req.valid("json") ?? {};
    const visitor = c.var.visitor;
    const record = settle(await visitor.stub.sessionCreate(visitor.visitorId, body.language, visitor.network));
    return c.json({ sessionId: record.id }, 201);
  })
  .openapi(list, async (c) => {
    const { sessions, nextCursor } = settle(await c.var.visitor.stub.sessionList(pageAsk(c.req.valid("query"))));
    return c.json(
      { sessions: sessions.map((r) => ({ sessionId: r.id, language: r.language, createdAt: r.createdAt, ...(r.title ? { title: r.title } : {}) })), nextCursor },
      200,
    );
  })
  .openapi(read, async (c) => {
    const { id } = c.req.valid("param");
    const visitor = c.var.visitor;
    const view = await onSession(visitor, id, (record) => readSession(visitor.nemo, record));
    return c.json({ sessionId: id, ...view }, 200);
  })
  .openapi(claim, async (c) => {
    const { id } = c.req.valid("param");
    const visitor = c.var.visitor;
    const url = await onSession(visitor, id, (record) => visitor.nemo.claimLink(record.taskId, record.upstreamId));
    return c.json({ url }, 200);
  });
