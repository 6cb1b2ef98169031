import type { Caller } from "../caller";
import { AppError, notFound, settle } from "../errors";
import { posterKey } from "./library";

/** A poster is a still the page draws from the player: a JPEG, small. */
export const POSTER_MAX_BYTES = 256 * 1024;

const tooLarge = () => new AppError("file_too_large", `A poster is ${POSTER_MAX_BYTES / 1024} KB at most.`);

/**
 * A poster's body, read whole (it is small), if it is a JPEG: it starts with the SOI marker and a segment
 * (FF D8 FF) and ends with EOI (FF D9), so that nothing else (HTML, say) is ever served as a video's still. Over
 * `POSTER_MAX_BYTES`, whatever its Content-Length said, it is refused.
 */
async function readJpeg(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  const notJpeg = new AppError("unsupported_format", "A poster is a JPEG image: these bytes are not one.");
  if (!body) throw notJpeg;
  const bytes = new Uint8Array(await new Response(body).arrayBuffer());
  if (bytes.length > POSTER_MAX_BYTES) throw tooLarge();
  const [a, b, c] = bytes;
  if (a !== 0xff || b !== 0xd8 || c !== 0xff || bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) throw notJpeg;
  return bytes;
}

/**
 * The request's body as the poster of the caller's video `id` (a Worker can't decode video, so the page draws a
 * frame from its player): a JPEG by its type and its bytes, of at most `POSTER_MAX_BYTES`, kept beside the MP4.
 */
export async function keepPoster(caller: Caller, id: string, request: Request): Promise<void> {
  settle(await caller.stub.videoRead(id));
  if (!(request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("image/jpeg"))
    throw new AppError("unsupported_format", "A poster is a JPEG image (Content-Type: image/jpeg).");
  const length = Number(request.headers.get("Content-Length"));
  if (!Number.isSafeInteger(length) || length <= 0) throw new AppError("length_required", "A poster needs a Content-Length.");
  if (length > POSTER_MAX_BYTES) throw tooLarge();
  const jpeg = await readJpeg(request.body);
  const key = posterKey(caller.visitorId, id);
  await caller.env.VIDEOS.put(key, jpeg, { httpMetadata: { contentType: "image/jpeg" } });
  settle(await caller.stub.videoPosterSet(id, key));
}

/** A kept poster as an answer that may be cached as `cacheControl` says; undefined when there is none. */
export async function posterAnswer(bucket: R2Bucket, key: string | undefined, cacheControl: string): Promise<Response | undefined> {
  const poster = key && (await bucket.get(key));
  return poster ? new Response(poster.body, { headers: { "Content-Type": "image/jpeg", "Cache-Control": cacheControl } }) : undefined;
}

/** The poster of the caller's video `id`, or 404 when the video has none (or is not the caller's). */
export async function callerPoster(caller: Caller, id: string): Promise<Response> {
  const video = await caller.stub.videoRead(id);
  const answer = video.ok ? await posterAnswer(caller.env.VIDEOS, video.value.posterKey, "private, max-age=3600") : undefined;
  if (!answer) throw notFound("That poster");
  return answer;
}
