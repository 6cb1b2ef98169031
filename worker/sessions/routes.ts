import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, errorResponse } from "../app";
import { settle } from "../errors";
import { unauthorized } from "../visitors/routes";
import { readSession, SessionDetail } from "./state";

export const SessionParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "0b7d2c1e-5a8f-4c3b-9e21-7f4d6a1b2c3d" }),
});
const notFound = errorResponse("No such session for this visitor.");
const sessionLost = errorResponse("NemoVideo lost the session: a fresh one took its place, the old timeline is gone.");

const NewSession = z
  .object({
    language: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/, "use a language tag such as en or zh-CN")
      .optional()
      .openapi({ example: "en", description: "The person's language; NemoVideo answers in it." }),
  })
  .openapi("NewSession");

const SessionSummary = z
  .object({ sessionId: z.uuid(), language: z.string().optional(), createdAt: z.number() })
  .openapi("SessionSummary");

const create = createRoute({
  method: "post",
  path: "/sessions",
  tags: ["Sessions"],
  summary: "Start a project",
  security: [{ visitorKey: [] }],
  request: { body: { content: { "application/json": { schema: NewSession } }, required: false } },
  responses: {
    201: { content: { "application/json": { schema: z.object({ sessionId: z.uuid() }) } }, description: "Created." },
    401: unauthorized,
  },
});

const list = createRoute({
  method: "get",
  path: "/sessions",
  tags: ["Sessions"],
  summary: "The visitor's projects, newest first",
  security: [{ visitorKey: [] }],
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ sessions: z.array(SessionSummary) }) } },
      description: "The sessions.",
    },
    401: unauthorized,
  },
});

const read = createRoute({
  method: "get",
  path: "/sessions/{id}",
  tags: ["Sessions"],
  summary: "A project's timeline",
  security: [{ visitorKey: [] }],
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
  security: [{ visitorKey: [] }],
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
    const record = settle(await visitor.stub.createSession(visitor.visitorId, body.language));
    return c.json({ sessionId: record.id }, 201);
  })
  .openapi(list, async (c) => {
    const records = await c.var.visitor.stub.sessions();
    return c.json(
      { sessions: records.map((r) => ({ sessionId: r.id, language: r.language, createdAt: r.createdAt })) },
      200,
    );
  })
  .openapi(read, async (c) => {
    const { id } = c.req.valid("param");
    const visitor = c.var.visitor;
    const view = await visitor.withSession(id, (record) => readSession(visitor.nemo, record));
    return c.json({ sessionId: id, ...view }, 200);
  })
  .openapi(claim, async (c) => {
    const { id } = c.req.valid("param");
    const visitor = c.var.visitor;
    const url = await visitor.withSession(id, (record) => visitor.nemo.claimLink(record.taskId, record.upstreamId));
    return c.json({ url }, 200);
  });
