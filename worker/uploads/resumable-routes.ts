import { createRoute, z } from "@hono/zod-openapi";
import type { Bindings } from "../config";
import { AppError, notFound, settle } from "../errors";
import { createRouter, errorResponse, security, unauthorized } from "../http";
import { mediaKindOf } from "../nemo/formats";
import type { Caller } from "../caller";
import { onSession, sessionOf } from "../sessions/access";
import { SessionParams } from "../sessions/schema";
import { tooLarge, unsupported } from "./refusals";
import { NewUpload, partCount, partLength, UploadAnswer, type UploadRecord, UploadStatus } from "./schema";

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
  request: { params: UploadParams },
  responses: { 204: { description: "Gone." }, 401: unauthorized, 404: noUpload },
});

type StoredUpload = UploadRecord & { parts: { partNumber: number; etag: string }[] };

async function findUpload(visitor: Caller, uploadId: string): Promise<StoredUpload> {
  const upload = await visitor.stub.upload(uploadId);
  if (!upload) throw notFound("That upload");
  return upload;
}

const statusOf = (upload: StoredUpload) => ({
  uploadId: upload.id,
  sessionId: upload.sessionId,
  name: upload.name,
  size: upload.size,
  partSize: upload.partSize,
  partCount: partCount(upload),
  receivedParts: upload.parts.map((part) => part.partNumber),
});

/** The assembled file, read from R2. */
async function openStored(env: Bindings, upload: UploadRecord): Promise<ReadableStream<Uint8Array>> {
  const object = await env.UPLOADS.get(upload.r2Key);
  if (!object) throw new AppError("upload_incomplete", "The uploaded parts are gone. Please upload the file again.");
  return object.body;
}

export const resumableUploads = createRouter()
  .openapi(start, async (c) => {
    const { id } = c.req.valid("param");
    const { name, size } = c.req.valid("json");
    const visitor = c.var.visitor;
    const { MAX_UPLOAD_BYTES } = c.var.config;
    await sessionOf(visitor, id);
    if (!mediaKindOf(name)) throw unsupported(name);
    if (size > MAX_UPLOAD_BYTES) throw tooLarge(MAX_UPLOAD_BYTES);
    const upload = settle(await visitor.stub.startUpload(visitor.visitorId, id, { name, size }));
    return c.json(statusOf({ ...upload, parts: [] }), 201);
  })
  .openapi(status, async (c) => c.json(statusOf(await findUpload(c.var.visitor, c.req.valid("param").uploadId)), 200))
  .openapi(putPart, async (c) => {
    const { uploadId, partNumber } = c.req.valid("param");
    const visitor = c.var.visitor;
    const upload = await findUpload(visitor, uploadId);
    if (partNumber > partCount(upload))
      throw new AppError("invalid_request", `This upload has ${partCount(upload)} parts; there is no part ${partNumber}.`);
    const expected = partLength(upload, partNumber);
    const declared = c.req.header("Content-Length");
    if (!declared) throw new AppError("length_required", "Each part needs a Content-Length header (browsers send one).");
    if (Number(declared) !== expected || !c.req.raw.body)
      throw new AppError("invalid_request", `Part ${partNumber} must be exactly ${expected} bytes; this one has ${declared}.`);
    const part = await c.env.UPLOADS.resumeMultipartUpload(upload.r2Key, upload.r2UploadId).uploadPart(
      partNumber,
      c.req.raw.body,
    );
    await visitor.stub.recordUploadPart(uploadId, part);
    const parts = [...upload.parts.filter((p) => p.partNumber !== partNumber), part].sort((a, b) => a.partNumber - b.partNumber);
    return c.json(statusOf({ ...upload, parts }), 200);
  })
  .openapi(complete, async (c) => {
    const { uploadId } = c.req.valid("param");
    const visitor = c.var.visitor;
    const upload = await findUpload(visitor, uploadId);
    const missing = Array.from({ length: partCount(upload) }, (_, i) => i + 1).filter(
      (n) => !upload.parts.some((part) => part.partNumber === n),
    );
    if (missing.length)
      throw new AppError(
        "upload_incomplete",
        `Part${missing.length > 1 ? "s" : ""} ${missing.slice(0, 10).join(", ")} of "${upload.name}" ${missing.length > 1 ? "have" : "has"} not arrived yet.`,
      );
    // A repeated `complete` (NemoVideo failed the first time) finds the file already assembled.
    if (!(await c.env.UPLOADS.head(upload.r2Key)))
      await c.env.UPLOADS.resumeMultipartUpload(upload.r2Key, upload.r2UploadId).complete(upload.parts);
    const file = { name: upload.name, size: upload.size, open: () => openStored(c.env, upload) };
    const files = await onSession(visitor, upload.sessionId, (record) => visitor.nemo.uploadStoredFile(record.upstreamId, file));
    await c.env.UPLOADS.delete(upload.r2Key);
    await visitor.stub.removeUpload(uploadId);
    return c.json({ files }, 200);
  })
  .openapi(cancel, async (c) => {
    const { uploadId } = c.req.valid("param");
    const visitor = c.var.visitor;
    const upload = await findUpload(visitor, uploadId);
    if (await c.env.UPLOADS.head(upload.r2Key)) await c.env.UPLOADS.delete(upload.r2Key);
    else await c.env.UPLOADS.resumeMultipartUpload(upload.r2Key, upload.r2UploadId).abort().catch(() => {});
    await visitor.stub.removeUpload(uploadId);
    return c.body(null, 204);
  });

