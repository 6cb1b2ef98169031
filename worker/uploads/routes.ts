import { createRoute, z } from "@hono/zod-openapi";
import { AppError, settle } from "../errors";
import { createRouter, errorResponse, security, unauthorized } from "../http";
import { checkOutbound } from "../outbound";
import { FORMATS_SENTENCE, mediaKindOf } from "../nemo/formats";
import type { Caller } from "../caller";
import { onSession, sessionOf } from "../sessions/access";
import { SessionParams } from "../sessions/schema";
import { inspectMultipart } from "./multipart";
import { tooLarge, unsupported } from "./refusals";
import { UploadAnswer } from "./schema";

/** Room for the multipart headers around the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;
const MAX_URLS = 10;

const UrlUpload = z.object({ urls: z.array(z.url({ protocol: /^https?$/ })).min(1).max(MAX_URLS) });

const upload = createRoute({
  method: "post",
  path: "/sessions/{id}/uploads",
  tags: ["Uploads"],
  summary: "Add media to a project",
  description: `Either \`multipart/form-data\` with one or more files in the field \`files\` (streamed to NemoVideo, never held), or JSON \`{"urls":[…]}\`. The size limit and the formats are checked before anything reaches NemoVideo. While it is on its way it counts among the visitor's uploads at once (3, 400 MB); a body whose next quarter megabyte keeps NemoVideo waiting over 30 s is cut with 408. ${FORMATS_SENTENCE}`,
  security,
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

/**
 * Runs a single-request upload (`bytes` declared) as one of the visitor's uploads at once: its place is taken before
 * the body is read, renewed while it runs, and given back however it ends (a Worker cut off midway can't give it
 * back: then it lapses by itself).
 */
async function onItsWay<T>(visitor: Caller, sessionId: string, bytes: number, work: () => Promise<T>): Promise<T> {
  const { reservationId, lifeMs } = settle(await visitor.stub.startDirectUpload(sessionId, bytes));
  const renewal = setInterval(() => void visitor.stub.keepDirectUpload(reservationId).catch(() => {}), lifeMs / 2);
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    // Should the Object not answer now, the place lapses by itself: the upload's own outcome stands.
    await visitor.stub.endDirectUpload(reservationId).catch(() => {});
  }
}

export const uploads = createRouter().openapi(
  upload,
  async (c) => {
    const { id } = c.req.valid("param");
    const visitor = c.var.visitor;
    const maxBytes = c.var.config.MAX_UPLOAD_BYTES;
    const contentType = c.req.header("Content-Type") ?? "";
    const record = await sessionOf(visitor, id);

    let uploaded;
    if (contentType.toLowerCase().startsWith("application/json")) {
      const parsed = UrlUpload.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success)
        throw new AppError("invalid_request", `Send {"urls":[…]} with 1 to ${MAX_URLS} http(s) addresses.`);
      for (const url of parsed.data.urls) checkOutbound("address", url, c.var.config.localDevelopment);
      const unsupportedUrl = parsed.data.urls.find((url) => !mediaKindOf(new URL(url).pathname));
      if (unsupportedUrl) throw unsupported(unsupportedUrl);
      uploaded = await onItsWay(visitor, id, 0, () =>
        onSession(visitor, record, (current) => visitor.nemo.uploadUrls(current.upstreamId, parsed.data.urls)),
      );
    } else if (contentType.toLowerCase().startsWith("multipart/form-data")) {
      const length = Number(c.req.header("Content-Length"));
      if (!c.req.header("Content-Length") || !Number.isFinite(length))
        throw new AppError("length_required", "Uploads need a Content-Length header (browsers send one).");
      if (length > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes);
      const body = c.req.raw.body;
      if (!body) throw new AppError("invalid_request", "The upload is empty.");
      uploaded = await onItsWay(visitor, id, length, async () => {
        const inspected = await inspectMultipart(body, contentType, maxBytes, c.var.config.UPLOAD_STALL_MS);
        try {
          return await onSession(visitor, record, (current) =>
            visitor.nemo.uploadFiles(current.upstreamId, { body: inspected.body, contentType, length }),
          );
        } catch (error) {
          throw inspected.failure() ?? error;
        }
      });
    } else {
      throw new AppError(
        "unsupported_format",
        "Send files as multipart/form-data in the field `files`, or JSON {\"urls\":[…]}.",
      );
    }

    return c.json({ files: uploaded }, 200);
  },
);
