import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { type AppEnv, createRouter, errorResponse, requireVisitor, security, smallBody, unauthorized } from "../http";
import { FORMATS_SENTENCE } from "../nemo/formats";
import { SessionParams } from "../sessions/schema";
import { NewUpload, UploadAnswer, UploadStatus } from "./schema";
import { cancelResumable, completeResumable, MAX_URLS, resumableStatus, sendInOneRequest, startResumable, storePart } from "./transfer";

/** A file is checked as it streams (transfer.ts); a JSON list of addresses is a small body. */
const uploadBody = createMiddleware<AppEnv>(async (c, next) =>
  c.req.header("Content-Type")?.toLowerCase().startsWith("multipart/form-data") ? next() : smallBody(c, next),
);

const upload = createRoute({
  method: "post",
  path: "/sessions/{id}/uploads",
  tags: ["Uploads"],
  summary: "Add media to a project",
  description: `Either \`multipart/form-data\` with one or more files in the field \`files\` (streamed to NemoVideo, never held), or JSON \`{"urls":[…]}\`. The size limit and the formats are checked before anything reaches NemoVideo. While it is on its way it counts among the visitor's uploads at once (3, 400 MB); a body whose next quarter megabyte keeps NemoVideo waiting over 30 s is cut with 408. ${FORMATS_SENTENCE}`,
  security,
  middleware: [uploadBody, requireVisitor],
  request: {
    params: SessionParams,
    body: {
      content: {
        // Plain OpenAPI schemas, not zod: a zod schema here would make the router parse (and hold) the body.
        "multipart/form-data": {
          schema: { type: "object", properties: { files: { type: "array", items: { type: "string", format: "binary" } } } },
        },
        "application/json": {
          schema: {
            type: "object",
            required: ["urls"],
            properties: { urls: { type: "array", minItems: 1, maxItems: MAX_URLS, items: { type: "string", format: "uri" } } },
          },
        },
      },
      required: true,
    },
  },
  responses: {
    200: {
      content: { "application/json": { schema: UploadAnswer } },
      description: "What NemoVideo made of the files.",
    },
    400: errorResponse("The body is not a valid upload."),
    401: unauthorized,
    404: errorResponse("No such session for this visitor."),
    411: errorResponse("A multipart upload needs a Content-Length."),
    408: errorResponse("The file stopped arriving (less than a quarter megabyte in 30 seconds): cut, nothing kept."),
    413: errorResponse("Over the size limit."),
    415: errorResponse("Not a supported format."),
    429: errorResponse("The visitor's uploads at once (or their bytes) are at their limit."),
  },
});

const UploadParams = z.object({ uploadId: z.uuid().openapi({ param: { name: "uploadId", in: "path" } }) });
const PartParams = UploadParams.extend({
  partNumber: z.coerce.number().int().min(1).max(10_000).openapi({ param: { name: "partNumber", in: "path" } }),
});
const noUpload = errorResponse("No such upload for this visitor.");

const start = createRoute({
  method: "post",
  path: "/sessions/{id}/uploads/resumable",
  tags: ["Uploads"],
  summary: "Start a large or resumable upload",
  description:
    "For files a single request can't carry (Cloudflare refuses bodies over 100 MB on its Free and Pro plans) or a shaky connection: send the parts with `PUT /uploads/{uploadId}/parts/{n}`, in any order and again if one fails, then `POST /uploads/{uploadId}/complete`. Name, format and size are checked now, and nothing reaches NemoVideo before `complete`.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: SessionParams, body: { content: { "application/json": { schema: NewUpload } }, required: true } },
  responses: {
    201: { content: { "application/json": { schema: UploadStatus } }, description: "Where to send the parts." },
    401: unauthorized,
    404: errorResponse("No such session for this visitor."),
    413: errorResponse("Over the size limit."),
    415: errorResponse("Not a supported format."),
    429: errorResponse("The visitor's uploads at once (or their bytes) are at their limit."),
  },
});

const status = createRoute({
  method: "get",
  path: "/uploads/{uploadId}",
  tags: ["Uploads"],
  summary: "Which parts of an upload have arrived",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: UploadParams },
  responses: {
    200: { content: { "application/json": { schema: UploadStatus } }, description: "The upload." },
    401: unauthorized,
    404: noUpload,
  },
});

const putPart = createRoute({
  method: "put",
  path: "/uploads/{uploadId}/parts/{partNumber}",
  tags: ["Uploads"],
  summary: "Send one part of an upload (raw bytes)",
  security,
  // Checked against the size the part must have, as it streams (transfer.ts).
  middleware: [requireVisitor],
  request: {
    params: PartParams,
    // A plain OpenAPI schema, not zod, so that the router leaves the body to stream.
    body: { content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } }, required: true },
  },
  responses: {
    200: { content: { "application/json": { schema: UploadStatus } }, description: "Stored." },
    400: errorResponse("Not a part of this upload, or not the size it must have."),
    401: unauthorized,
    404: noUpload,
    411: errorResponse("A part needs a Content-Length."),
  },
});

const complete = createRoute({
  method: "post",
  path: "/uploads/{uploadId}/complete",
  tags: ["Uploads"],
  summary: "Send the assembled file to NemoVideo",
  description: "If NemoVideo can't take it just now, the parts are kept: call `complete` again.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: UploadParams },
  responses: {
    200: { content: { "application/json": { schema: UploadAnswer } }, description: "What NemoVideo made of the file." },
    401: unauthorized,
    404: noUpload,
    409: errorResponse("Some parts have not arrived yet."),
  },
});

const cancel = createRoute({
  method: "delete",
  path: "/uploads/{uploadId}",
  tags: ["Uploads"],
  summary: "Give up an upload and delete what arrived",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: UploadParams },
  responses: { 204: { description: "Gone." }, 401: unauthorized, 404: noUpload },
});

export const uploads = createRouter()
  .openapi(upload, async (c) => c.json({ files: await sendInOneRequest(c.var.visitor, c.req.valid("param").id, c.req.raw) }, 200))
  .openapi(start, async (c) => c.json(await startResumable(c.var.visitor, c.req.valid("param").id, c.req.valid("json")), 201))
  .openapi(status, async (c) => c.json(await resumableStatus(c.var.visitor, c.req.valid("param").uploadId), 200))
  .openapi(putPart, async (c) => {
    const { uploadId, partNumber } = c.req.valid("param");
    return c.json(await storePart(c.var.visitor, uploadId, partNumber, c.req.raw), 200);
  })
  .openapi(complete, async (c) => c.json({ files: await completeResumable(c.var.visitor, c.req.valid("param").uploadId) }, 200))
  .openapi(cancel, async (c) => {
    await cancelResumable(c.var.visitor, c.req.valid("param").uploadId);
    return c.body(null, 204);
  });
