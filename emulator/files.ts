import { Hono } from "hono";
import { clips } from "./clips";
import { store } from "./store";
import type { AppEnv } from "./types";

/** The byte range a `Range` header asks for, "unsatisfiable", or undefined for the whole file. */
function rangeOf(header: string | null, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  const [start, end] =
    match[1] === ""
      ? [Math.max(0, size - Number(match[2])), size - 1]
      : [Number(match[1]), match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1)];
  return start > end || start >= size ? "unsatisfiable" : { start, end };
}

/** An MP4 answer with `Content-Length`, and `206 Partial Content` for a single `Range`. */
export function mp4Response(request: Request, bytes: Uint8Array<ArrayBuffer>): Response {
  const size = bytes.byteLength;
  const range = rangeOf(request.headers.get("range"), size);
  const headers = { "content-type": "video/mp4", "accept-ranges": "bytes" };
  if (range === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${size}` } });
  }
  if (!range) return new Response(bytes, { headers: { ...headers, "content-length": String(size) } });
  const part = bytes.subarray(range.start, range.end + 1);
  return new Response(part, {
    status: 206,
    headers: {
      ...headers,
      "content-length": String(part.byteLength),
      "content-range": `bytes ${range.start}-${range.end}/${size}`,
    },
  });
}

/** The CDN stand-in: render outputs, generated clips and uploaded videos, each served as a real clip. */
export const cdnRoutes = new Hono<AppEnv>().get("/*", (c, next) => {
  const clip = store.cdn.get(new URL(c.req.url).pathname);
  if (clip === undefined) return next();
  return mp4Response(c.req.raw, clips[clip].bytes);
});
