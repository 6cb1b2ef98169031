import * as Multipasta from "multipasta";
import { AppError } from "../errors";
import { tooLarge, unsupported } from "./files";
import { mediaKindOf } from "./formats";

export interface InspectedUpload {
  /** The request's bytes, unchanged, released part by part once each part's headers were checked. */
  body: ReadableStream<Uint8Array>;
  /** The names of the files seen so far (all of them once `body` has been read to the end). */
  files: string[];
  /** Why the stream was stopped, if it was: the caller reports this rather than the upstream's failure. */
  failure(): AppError | undefined;
}


/**
 * Checks a multipart upload as it streams, without holding it: `multipasta` finds each part's headers, and a
 * chunk is passed on only after the parser has read it. The upstream request starts only once the first file's
 * name and type were accepted, so a wrong first file never reaches NemoVideo; a later wrong part stops the stream
 * before its bytes go out, which aborts the upstream request.
 */
export async function inspectMultipart(
  request: ReadableStream<Uint8Array>,
  contentType: string,
  maxFileBytes: number,
): Promise<InspectedUpload> {
  const files: string[] = [];
  let failure: AppError | undefined;
  let finished = false;
  const parser = Multipasta.make({
    headers: { "content-type": contentType },
    maxPartSize: maxFileBytes,
    onFile(info) {
      if (info.name !== "files") failure ??= new AppError("invalid_request", "Send files in the multipart field `files`.");
      else if (!info.filename || !mediaKindOf(info.filename)) failure ??= unsupported(info.filename ?? "");
      else files.push(info.filename);
      return () => {};
    },
    onField(info) {
      failure ??= new AppError("invalid_request", `Unexpected form field "${info.name}": send only files, in the field \`files\`.`);
    },
    onError(error) {
      failure ??=
        error._tag === "ReachedLimit"
          ? tooLarge(maxFileBytes)
          : new AppError("invalid_request", "The upload is not a well-formed multipart/form-data body.");
    },
    onDone() {
      finished = true;
    },
  });

  // The parser may keep back up to one delimiter's worth of bytes before it has read them, so that much of what
  // it was given is held here too: every byte passed on has been read by the parser.
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1] ?? "";
  const lag = boundary.length + 8;
  let unsent: Uint8Array = new Uint8Array(0);
  const take = (chunk: Uint8Array): Uint8Array => {
    parser.write(chunk);
    const joined = new Uint8Array(unsent.length + chunk.length);
    joined.set(unsent);
    joined.set(chunk, unsent.length);
    const ready = Math.max(0, joined.length - lag);
    unsent = joined.subarray(ready);
    return joined.subarray(0, ready);
  };

  const reader = request.getReader();
  const ready: Uint8Array[] = [];
  let ended = false;
  // Read until the first file's headers are known (a few kilobytes at most).
  while (files.length === 0 && !failure) {
    const { done, value } = await reader.read();
    if (done) {
      parser.end();
      ended = true;
      break;
    }
    ready.push(take(value));
  }
  if (failure) {
    await reader.cancel().catch(() => {});
    throw failure;
  }
  if (files.length === 0) throw new AppError("invalid_request", "The upload has no file in the field `files`.");

  const body = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      const first = ready.shift();
      if (first) return controller.enqueue(first);
      const next = ended ? undefined : await reader.read();
      if (!next || next.done) {
        if (!ended) parser.end();
        ended = true;
        if (!finished) failure ??= new AppError("invalid_request", "The upload ended before its last part.");
        if (failure) return controller.error(failure);
        if (unsent.length) controller.enqueue(unsent);
        return controller.close();
      }
      const chunk = take(next.value);
      if (failure) {
        await reader.cancel().catch(() => {});
        return controller.error(failure);
      }
      if (chunk.length) controller.enqueue(chunk);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { body, files, failure: () => failure };
}
