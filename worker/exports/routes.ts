import { createRoute, z } from "@hono/zod-openapi";
import { AppError, notFound, settle } from "../errors";
import { createRouter, errorResponse, keyOrSignature, security, SignedQuery, signedView, unauthorized } from "../http";
import { SessionParams } from "../sessions/schema";
import { sseResponse } from "../sse";
import { attachmentNamed, fileGone, serveFile } from "./file";
import { Export, ExportParams, ExportRequest } from "./schema";
import { idempotent } from "../idempotency/middleware";

const noSuchExport = errorResponse("No such export for this visitor.");

const start = createRoute(idempotent({
  method: "post",
  path: "/sessions/{id}/exports",
  tags: ["Exports"],
  summary: "Export the project's timeline as an MP4",
  description:
    "Submits the render and answers at once; the visitor's Durable Object follows it to the end whether or not anybody waits. While one export of the session runs, the same export is answered again: a second click never starts a second render.",
  security,
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
  responses: {
    200: { content: { "application/json": { schema: z.object({ exports: z.array(Export) }) } }, description: "The exports." },
    401: unauthorized,
  },
});

const read = createRoute({
  method: "get",
  path: "/exports/{id}",
  tags: ["Exports"],
  summary: "An export: status, progress, and the MP4's address once completed",
  security,
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
  middleware: [keyOrSignature("download")] as const,
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

/** The download route: mounted before `requireVisitor` covers `/exports/*`. */
export const exportDownloads = createRouter().openapi(
  download,
  async (c) => {
    // Checked by the route's validator; typed loosely because a route middleware hides the validated types.
    const id = c.req.param("id") as string;
    const visitor = c.var.visitor;
    const file = await visitor.stub.exportFile(id);
    if (!file) {
      const record = await visitor.stub.exportJob(id);
      if (!record) throw notFound("That export");
      throw new AppError("export_not_ready", "This export has not finished yet: follow its progress, then download it.");
    }
    if (file.deleted) throw fileGone();
    const named = c.req.query("inline") ? undefined : attachmentNamed(file.title ?? `promptreel-${id}`);
    const kept = file.fileKey && (await serveFile(c.env.VIDEOS, file.fileKey, c.req.raw, named));
    if (kept) return kept as never;
    // Finished before videos were kept (or NemoVideo gave no length): its own link, whole (RFC 9110 lets a server
    // ignore Range, and a header is never passed on as it came).
    const upstream = await visitor.nemo.renderFile(file.renderId, file.url);
    const headers = new Headers({
      "Content-Type": "video/mp4",
      ...(named ? { "Content-Disposition": named } : {}),
      "Accept-Ranges": "none",
      "Cache-Control": "private, max-age=3600",
    });
    const length = upstream.headers.get("Content-Length");
    if (length) headers.set("Content-Length", length);
    return new Response(upstream.body, { status: 200, headers }) as never;
  },
);

export const exports = createRouter()
  .openapi(start, async (c) => {
    const { id } = c.req.valid("param");
    const output = ExportRequest.parse(c.req.valid("json") ?? {});
    const visitor = c.var.visitor;
    const record = settle(await visitor.stub.startExport(visitor.visitorId, id, { ...output, origin: new URL(c.req.url).origin }));
    return c.json(await signedView(c, record), 202);
  })
  .openapi(list, async (c) => {
    const records = await c.var.visitor.stub.exportJobs();
    return c.json({ exports: await Promise.all(records.map((record) => signedView(c, record))) }, 200);
  })
  .openapi(read, async (c) => {
    const record = await c.var.visitor.stub.exportJob(c.req.valid("param").id);
    if (!record) throw notFound("That export");
    return c.json(await signedView(c, record), 200);
  })
  .openapi(events, async (c) => {
    const stream = await c.var.visitor.stub.followExport(c.req.valid("param").id);
    if (!stream) throw notFound("That export");
    return sseResponse(stream) as never;
  })
  .openapi(cancel, async (c) => {
    const record = settle(await c.var.visitor.stub.cancelExport(c.req.valid("param").id));
    return c.json(await signedView(c, record), 200);
  });
