import { z } from "@hono/zod-openapi";
import type { Caller } from "../caller";
import { AppError, settle } from "../errors";
import { mediaKindOf } from "../nemo/formats";
import type { UploadedFile } from "../nemo/shapes";
import { checkOutbound } from "../outbound";
import { onSession, sessionOf } from "../sessions/access";
import { inspectMultipart } from "./multipart";
import { tooLarge, unsupported } from "./refusals";
import { partCount, partLength, type UploadedPart, type UploadRecord } from "./schema";

/**
 * The Worker's side of uploads: the bytes never pass through the visitor's Durable Object, which keeps only what
 * must be consistent (how many uploads are on their way, which parts have arrived). A file sent in one request is
 * checked as it streams to NemoVideo; a resumable one goes up in parts to R2, then as one file to NemoVideo.
 */

/** Room for the multipart headers around the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;
export const MAX_URLS = 10;
const UrlUpload = z.object({ urls: z.array(z.url({ protocol: /^https?$/ })).min(1).max(MAX_URLS) });

/**
 * A single-request upload into the session: `multipart/form-data` files in the field `files` (declared length,
 * size and formats checked before anything goes out, each part as it streams), or JSON `{"urls":[…]}` for NemoVideo
 * to fetch. Either counts among the visitor's uploads at once while it is on its way.
 */
export async function sendInOneRequest(caller: Caller, sessionId: string, request: Request): Promise<UploadedFile[]> {
  const { config } = caller;
  const contentType = request.headers.get("Content-Type") ?? "";
  const record = await sessionOf(caller, sessionId);
  if (contentType.toLowerCase().startsWith("application/json")) {
    const parsed = UrlUpload.safeParse(await request.json().catch(() => undefined));
    if (!parsed.success) throw new AppError("invalid_request", `Send {"urls":[…]} with 1 to ${MAX_URLS} http(s) addresses.`);
    for (const url of parsed.data.urls) checkOutbound("address", url, config.localDevelopment);
    const unsupportedUrl = parsed.data.urls.find((url) => !mediaKindOf(new URL(url).pathname));
    if (unsupportedUrl) throw unsupported(unsupportedUrl);
    return onItsWay(caller, sessionId, 0, () => onSession(caller, record, (current) => caller.nemo.uploadUrls(current.upstreamId, parsed.data.urls)));
  }
  if (!contentType.toLowerCase().startsWith("multipart/form-data"))
    throw new AppError("unsupported_format", 'Send files as multipart/form-data in the field `files`, or JSON {"urls":[…]}.');
  const declared = request.headers.get("Content-Length");
  const length = Number(declared);
  if (!declared || !Number.isFinite(length)) throw new AppError("length_required", "Uploads need a Content-Length header (browsers send one).");
  if (length > config.MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD) throw tooLarge(config.MAX_UPLOAD_BYTES);
  const body = request.body;
  if (!body) throw new AppError("invalid_request", "The upload is empty.");
  return onItsWay(caller, sessionId, length, async () => {
    const inspected = await inspectMultipart(body, contentType, config.MAX_UPLOAD_BYTES, config.UPLOAD_STALL_MS);
    try {
      return await onSession(caller, record, (current) => caller.nemo.uploadFiles(current.upstreamId, { body: inspected.body, contentType, length }));
    } catch (error) {
      throw inspected.failure() ?? error;
    }
  });
}

/**
 * Runs a single-request upload (`bytes` declared) as one of the visitor's uploads at once: its place is taken before
 * the body is read, renewed while it runs, and given back however it ends (a Worker cut off midway can't give it
 * back: then it lapses by itself).
 */
async function onItsWay<T>(caller: Caller, sessionId: string, bytes: number, work: () => Promise<T>): Promise<T> {
  const { reservationId, lifeMs } = settle(await caller.stub.directUploadStart(sessionId, bytes));
  const renewal = setInterval(() => void caller.stub.directUploadKeep(reservationId).catch(() => {}), lifeMs / 2);
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    // Should the Object not answer now, the place lapses by itself: the upload's own outcome stands.
    await caller.stub.directUploadEnd(reservationId).catch(() => {});
  }
}

type StoredUpload = UploadRecord & { parts: UploadedPart[] };

/** A resumable upload as the API shows it: where it goes, and which parts have arrived. */
const statusOf = (upload: StoredUpload) => ({
  uploadId: upload.id,
  sessionId: upload.sessionId,
  name: upload.name,
  size: upload.size,
  partSize: upload.partSize,
  partCount: partCount(upload),
  receivedParts: upload.parts.map((part) => part.partNumber),
});

/** Opens a resumable upload into the session; its name, format and size are checked now. */
export async function startResumable(caller: Caller, sessionId: string, file: { name: string; size: number }) {
  const { MAX_UPLOAD_BYTES } = caller.config;
  await sessionOf(caller, sessionId);
  if (!mediaKindOf(file.name)) throw unsupported(file.name);
  if (file.size > MAX_UPLOAD_BYTES) throw tooLarge(MAX_UPLOAD_BYTES);
  const upload = settle(await caller.stub.uploadStart(caller.visitorId, sessionId, file));
  return statusOf({ ...upload, parts: [] });
}

export async function resumableStatus(caller: Caller, uploadId: string) {
  return statusOf(settle(await caller.stub.uploadRead(uploadId)));
}

/** Stores part `partNumber` of the request's body in R2, if it has exactly the length that part must have. */
export async function storePart(caller: Caller, uploadId: string, partNumber: number, request: Request) {
  const upload = settle(await caller.stub.uploadRead(uploadId));
  if (partNumber > partCount(upload))
    throw new AppError("invalid_request", `This upload has ${partCount(upload)} parts; there is no part ${partNumber}.`);
  const expected = partLength(upload, partNumber);
  const declared = request.headers.get("Content-Length");
  if (!declared) throw new AppError("length_required", "Each part needs a Content-Length header (browsers send one).");
  if (Number(declared) !== expected || !request.body)
    throw new AppError("invalid_request", `Part ${partNumber} must be exactly ${expected} bytes; this one has ${declared}.`);
  const part = await caller.env.UPLOADS.resumeMultipartUpload(upload.r2Key, upload.r2UploadId).uploadPart(partNumber, request.body);
  settle(await caller.stub.uploadPartRecord(uploadId, part));
  const parts = [...upload.parts.filter((p) => p.partNumber !== partNumber), part].sort((a, b) => a.partNumber - b.partNumber);
  return statusOf({ ...upload, parts });
}

/**
 * Once every part has arrived: assembles the file in R2 and streams it to NemoVideo as one multipart request. A
 * failed send keeps the parts for another try; a sent file's parts go.
 */
export async function completeResumable(caller: Caller, uploadId: string): Promise<UploadedFile[]> {
  const { env } = caller;
  const upload = settle(await caller.stub.uploadRead(uploadId));
  const missing = Array.from({ length: partCount(upload) }, (_, i) => i + 1).filter((n) => !upload.parts.some((part) => part.partNumber === n));
  if (missing.length)
    throw new AppError(
      "upload_incomplete",
      `Part${missing.length > 1 ? "s" : ""} ${missing.slice(0, 10).join(", ")} of "${upload.name}" ${missing.length > 1 ? "have" : "has"} not arrived yet.`,
    );
  // A repeated `complete` (NemoVideo failed the first time) finds the file already assembled.
  if (!(await env.UPLOADS.head(upload.r2Key))) await env.UPLOADS.resumeMultipartUpload(upload.r2Key, upload.r2UploadId).complete(upload.parts);
  const open = async () => {
    const object = await env.UPLOADS.get(upload.r2Key);
    if (!object) throw new AppError("upload_incomplete", "The uploaded parts are gone. Please upload the file again.");
    return object.body;
  };
  const files = await onSession(caller, upload.sessionId, (record) =>
    caller.nemo.uploadStoredFile(record.upstreamId, { name: upload.name, size: upload.size, open }),
  );
  settle(await caller.stub.uploadEnd(uploadId));
  return files;
}

/** Gives up a resumable upload: what arrived goes. */
export async function cancelResumable(caller: Caller, uploadId: string): Promise<void> {
  settle(await caller.stub.uploadEnd(uploadId));
}
