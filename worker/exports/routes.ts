import { createRoute, z } from "@hono/zod-openapi";
import { settle } from "../errors";
import { createRouter, errorResponse, keyOrSignature, requireVisitor, security, smallBody, SignedQuery, signedView, unauthorized } from "../http";
import { SessionParams } from "../sessions/schema";
import { sseResponse } from "../sse";
import { downloadAnswer } from "./download";
import { Export, ExportParams, ExportRequest } from "./schema";
import { idempotent } from "../idempotency/middleware";
import { NextCursor, PageQuery, pageAsk } from "../cursor";

const noSuchExport = errorResponse("No such export for this visitor.");

const start = createRoute(idempotent({
  method: "post",
  path: "/sessions/{id}/exports",
  tags: ["Exports"],
  summary: "Export the project's timeline as an MP4",
  description:
    "Submits the render and answers at once; the visitor's Durable Object follows it to the end whether or not anybody waits. While one export of the session runs, the same export is answered again: a second click never starts a second render.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: SessionParams, body: { content: { "application/json": { schema: ExportRequest } }, required: false } },
  responses: {
    202: { content: { "application/json": { schema: Export } }, description: "The export, running." },
    401: unauthorized,
    402: errorResponse("NemoVideo's free plan can't export: register or upgrade (the link is the way)."),
    404: errorResponse("No such session for this visitor."),
    409: errorResponse("Nothing to export yet: the timeline is empty."),
  },
}));

const list = createRoute({
  method: "get",
  path: "/exports",
  tags: ["Exports"],
  summary: "The visitor's exports, newest first",
  security,
  middleware: [smallBody, requireVisitor],
  request: { query: PageQuery },
  responses: {
    200: { content: { "application/json": { schema: z.object({ exports: z.array(Export), nextCursor: NextCursor }) } }, description: "A page of the exports." },
    400: errorResponse("A limit outside 1–100, or an `after` this API did not give."),
    401: unauthorized,
  },
});

const read = createRoute({
  method: "get",
  path: "/exports/{id}",
  tags: ["Exports"],
  summary: "An export: status, progress, and the MP4's address once completed",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: ExportParams },
  responses: {
    200: { content: { "application/json": { schema: Export } }, description: "The export." },
    401: unauthorized,
    404: noSuchExport,
  },
});

const events = createRoute({
  method: "get",
  path: "/exports/{id}/events",
  tags: ["Exports"],
  summary: "Follow an export live",
  description:
    "Server-sent `status` events, each carrying the whole export: the current state at once, then every change, and the stream closes after a final status (`completed`, `failed`, `cancelled`). No polling needed.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: ExportParams },
  responses: {
    200: {
      content: { "text/event-stream": { schema: z.object({ event: z.literal("status"), data: Export }) } },
      description: "The export's events.",
    },
    401: unauthorized,
    404: noSuchExport,
  },
});

const cancel = createRoute({
  method: "post",
  path: "/exports/{id}/cancel",
  tags: ["Exports"],
  summary: "Cancel a running export",
  description: "An export that has already ended is answered as it is.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: ExportParams },
  responses: {
    200: { content: { "application/json": { schema: Export } }, description: "The export, cancelled." },
    401: unauthorized,
    404: noSuchExport,
  },
});

const download = createRoute({
  method: "get",
  path: "/exports/{id}/download",
  tags: ["Exports"],
  summary: "The finished MP4",
  description:
    "Served from PromptReel's own copy, with `Content-Disposition: attachment` named after the video's title (`inline=1` leaves it out, to play); `Range` gives `206 Partial Content`, so a player can seek. Authorised by the visitor key, or by the signature of the export's `downloadUrl` (so a `<video>` or a plain link can use it). A deleted video answers 404.",
  security: [{ visitorKey: [] }, {}],
  middleware: [smallBody, keyOrSignature("download")],
  request: {
    params: ExportParams,
    query: SignedQuery.extend({
      inline: z.literal("1").optional().openapi({ description: "To play it (a video's `url`): no attachment." }),
    }),
  },
  responses: {
    200: { content: { "video/mp4": { schema: { type: "string", format: "binary" } } }, description: "The MP4." },
    206: { content: { "video/mp4": { schema: { type: "string", format: "binary" } } }, description: "Part of it." },
    416: { description: "The range asked for can't be had: it starts at or past the end, asks for no bytes (`bytes=-0`), or can't be read (`Content-Range: bytes */<size>`)." },
    401: unauthorized,
    404: noSuchExport,
    409: errorResponse("The export has not completed."),
  },
});

/** The download route, which the signature of a `downloadUrl` opens too (a router of its own, first in the OpenAPI document). */
export const exportDownloads = createRouter().openapi(download, async (c) =>
  // Checked by the route's validator; typed loosely because a route middleware hides the validated types.
  downloadAnswer(c.var.visitor, c.req.param("id") as string, c.req.raw, Boolean(c.req.query("inline"))) as never,
);

export const exports = createRouter()
  .openapi(start, async (c) => {
    const { id } = c.req.valid("param");
    const output = ExportRequest.parse(c.req.valid("json") ?? {});
    const visitor = c.var.visitor;
    const record = settle(await visitor.stub.exportStart(visitor.visitorId, id, { ...output, origin: new URL(c.req.url).origin }));
    return c.json(await signedView(c, record), 202);
  })
  .openapi(list, async (c) => {
    const { exports, nextCursor } = settle(await c.var.visitor.stub.exportList(pageAsk(c.req.valid("query"))));
    return c.json({ exports: await Promise.all(exports.map((record) => signedView(c, record))), nextCursor }, 200);
  })
  .openapi(read, async (c) => {
    const record = settle(await c.var.visitor.stub.exportRead(c.req.valid("param").id));
    return c.json(await signedView(c, record), 200);
  })
  .openapi(events, async (c) => sseResponse(settle(await c.var.visitor.stub.exportFollow(c.req.valid("param").id))) as never)
  .openapi(cancel, async (c) => {
    const record = settle(await c.var.visitor.stub.exportCancel(c.req.valid("param").id));
    return c.json(await signedView(c, record), 200);
  });
