import * as Multipasta from "multipasta";
import { AppError } from "../errors";
import { FORMATS_SENTENCE, mediaKindOf } from "./formats";

export interface InspectedUpload {
  /** The request's bytes, unchanged, released part by part once each part's headers were checked. */
  body: ReadableStream<Uint8Array>;
  /** The names of the files seen so far (all of them once `body` has been read to the end). */
  files: string[];
  /** Why the stream was stopped, if it was: the caller reports this rather than the upstream's failure. */
  failure(): AppError | undefined;
}

const tooLarge = (maxBytes: number) =>
  new AppError(
    "file_too_large",
    `That file is too large: ${Math.round(maxBytes / 1024 / 1024)} MB at most. Try compressing or trimming it first.`,
  );
const unsupported = (name: string) =>
  new AppError("unsupported_format", `"${name}" is not a file NemoVideo can use. ${FORMATS_SENTENCE}`);

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

  const reader = request.getReader();
  const held: Uint8Array[] = [];
  // Read until the first file's headers are known (a few kilobytes at most).
  while (files.length === 0 && !failure) {
    const { done, value } = await reader.read();
    if (done) {
      parser.end();
      break;
    }
    parser.write(value);
    held.push(value);
  }
  if (failure) {
    await reader.cancel().catch(() => {});
    throw failure;
  }
  if (files.length === 0) throw new AppError("invalid_request", "The upload has no file in the field `files`.");

  const body = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      const first = held.shift();
      if (first) return controller.enqueue(first);
      const { done, value } = await reader.read();
      if (done) {
        parser.end();
        if (!finished) failure ??= new AppError("invalid_request", "The upload ended before its last part.");
        return failure ? controller.error(failure) : controller.close();
      }
      parser.write(value);
      if (failure) {
        await reader.cancel().catch(() => {});
        return controller.error(failure);
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { body, files, failure: () => failure };
}
