import { type Context, Hono } from "hono";
import { z } from "zod";
import { isOwnUserSegment } from "./auth";
import { clipFor, shapeOfSize } from "./clips";
import { config } from "./config";
import { fail, httpFail, ok } from "./envelope";
import { hexId } from "./ids";
import { describeUpload, fileTypeOf } from "./media";
import { boundaryOf, readMultipart } from "./multipart";
import { ownSession } from "./sessions";
import { store } from "./store";
import type { AppEnv, MediaInfo, Session } from "./types";

const UrlUpload = z.object({ urls: z.array(z.string()).min(1), source_type: z.string().optional() });

interface Incoming {
  filename: string;
  size?: number;
}

/** The last path segment of a URL, which is all the emulator knows of a file it never downloads. */
function filenameOfUrl(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  } catch {
    return "";
  }
}

/** Checks formats and sizes, then records the files in the session's `video_infos`. */
function accept(c: Context<AppEnv>, session: Session, incoming: Incoming[], source: MediaInfo["source"]) {
  const origin = new URL(c.req.url).origin;
  const infos: MediaInfo[] = [];
  for (const { filename, size } of incoming) {
    const type = fileTypeOf(filename);
    if (!type) return fail(c, 4001, `unsupported file format: ${filename || "(no name)"}`);
    if (size !== undefined && size > config().maxUploadBytes) return fail(c, 4002, `file too large: ${filename}`);
    const path = `/user-upload/${hexId()}/${encodeURIComponent(filename)}`;
    const info = describeUpload(filename, type, `${origin}${path}`, size, source);
    // The CDN stand-in serves a clip of the same shape in place of an uploaded video (its bytes were never kept).
    if (type === "video") store.cdn.set(path, clipFor(shapeOfSize(info.width ?? 0, info.height ?? 0), info.duration ?? 10));
    infos.push(info);
  }
  session.state.video_infos = [...(session.state.video_infos ?? []), ...infos];
  const files = infos.map(({ filename, file_type, cdn_url, duration, width, height, fps, hash }) => ({
    filename,
    file_type,
    cdn_url,
    duration,
    width,
    height,
    fps,
    hash,
  }));
  return ok(c, { files, session_state_applied: true });
}

/** `POST /api/upload-video/nemo_agent/<user>/<sid>`: multipart field `files` (streamed, never buffered) or JSON urls. */
export const uploadRoutes = new Hono<AppEnv>().post("/api/upload-video/nemo_agent/:user/:sid", async (c) => {
  const user = c.get("user");
  const sid = c.req.param("sid");
  const session = isOwnUserSegment(c.req.param("user"), user.id) ? ownSession(user, sid) : undefined;
  if (!session) return fail(c, 1002, "session not found");
  const contentType = c.req.header("content-type");
  if (contentType?.includes("application/json")) {
    const body = UrlUpload.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return httpFail(c, 400, "expected {\"urls\":[…],\"source_type\":\"url\"}");
    return accept(c, session, body.data.urls.map((url) => ({ filename: filenameOfUrl(url) })), "url");
  }
  const boundary = boundaryOf(contentType);
  if (!boundary || !c.req.raw.body) return httpFail(c, 400, "expected multipart/form-data with field files");
  const summary = await readMultipart(c.req.raw.body, boundary, { digests: config().uploadDigests }).catch(() => undefined);
  if (!summary) return httpFail(c, 400, "malformed multipart body");
  const files = summary.parts.filter((part) => part.name === "files" && part.filename !== undefined);
  store.uploads.push({
    sessionId: sid,
    files: files.map((part) => ({ filename: part.filename ?? "", bytes: part.bytes, sha256: part.sha256 })),
    totalBytes: summary.totalBytes,
    maxBufferedBytes: summary.maxBufferedBytes,
  });
  if (files.length === 0) return httpFail(c, 400, "no files in field files");
  return accept(c, session, files.map((part) => ({ filename: part.filename ?? "", size: part.bytes })), "upload");
});
