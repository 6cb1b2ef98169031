import * as Multipasta from "multipasta";
import { AppError } from "../errors";
import { mediaKindOf } from "../nemo/formats";
import { stalled, tooLarge, unsupported } from "./refusals";

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
 * before its bytes go out, which aborts the upstream request. So does a body that trickles: one whose next quarter
 * megabyte (or its end) keeps us waiting longer than `stallMs` is cut (`upload_stalled`).
 */
export async function inspectMultipart(
  request: ReadableStream<Uint8Array>,
  contentType: string,
  maxFileBytes: number,
  stallMs: number,
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
  const take = (chunk: Uint8Array): Uint8Array[] => {
    parser.write(chunk);
    if (chunk.length >= lag) {
      const ready = [unsent, chunk.subarray(0, chunk.length - lag)];
      unsent = chunk.slice(chunk.length - lag);
      return ready.filter((piece) => piece.length > 0);
    }
    const joined = new Uint8Array(unsent.length + chunk.length);
    joined.set(unsent);
    joined.set(chunk, unsent.length);
    const ready = Math.max(0, joined.length - lag);
    unsent = joined.slice(ready);
    return ready ? [joined.subarray(0, ready)] : [];
  };

  const chunks = largeChunks(request, stallMs);
  const ready: Uint8Array[] = [];
  let ended = false;
  // Read until the first file's headers are known (the first chunk, nearly always).
  while (files.length === 0 && !failure) {
    const chunk = await chunks.read().catch(async (error: unknown) => {
      await chunks.cancel();
      throw error;
    });
    if (!chunk) {
      parser.end();
      ended = true;
      break;
    }
    // Copied: the reader's buffers come round again, and these wait until the upstream request starts.
    ready.push(...take(chunk).map((piece) => piece.slice()));
  }
  if (failure) {
    await chunks.cancel();
    throw failure;
  }
  if (files.length === 0) throw new AppError("invalid_request", "The upload has no file in the field `files`.");

  const body = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      if (ready.length) return controller.enqueue(ready.shift()!);
      let chunk: Uint8Array | undefined;
      try {
        chunk = ended ? undefined : await chunks.read();
      } catch (error) {
        failure ??= error instanceof AppError ? error : new AppError("invalid_request", "The upload could not be read to its end.");
        await chunks.cancel();
        return controller.error(failure);
      }
      if (!chunk) {
        if (!ended) parser.end();
        ended = true;
        if (!finished) failure ??= new AppError("invalid_request", "The upload ended before its last part.");
        if (failure) return controller.error(failure);
        if (unsent.length) controller.enqueue(unsent);
        return controller.close();
      }
      const pieces = take(chunk);
      if (failure) {
        await chunks.cancel();
        return controller.error(failure);
      }
      for (const piece of pieces) controller.enqueue(piece);
    },
    cancel: () => chunks.cancel(),
  });
  return { body, files, failure: () => failure };
}

const LARGE_CHUNK = 1024 * 1024;
const AT_LEAST = 256 * 1024;
/**
 * The body is read into two buffers in turn, so that a 200 MB upload reuses 2 MiB rather than leaving 200 MiB of
 * garbage behind it (bench/README.md: the first 200 MB grew the runtime by 20 MB before, 7.5 MB after). One chunk
 * is sent from one buffer while the next is read into the other: the stream given to fetch is pulled again only
 * once a chunk's pieces were taken, so a buffer comes round only after what it held went out. A buffer handed to
 * the reader is taken from every view of it: a piece of it not yet sent would be lost, and the upload's length and
 * digest would show it (test/worker/uploads.test.ts).
 */
const BUFFERS = 2;

/** workerd's byte reader, which the DOM typings do not describe. */
type ByteReader = ReadableStreamBYOBReader & {
  readAtLeast(min: number, view: Uint8Array): Promise<ReadableStreamReadResult<Uint8Array>>;
};

/**
 * Reads a body in chunks of a quarter to a whole megabyte where the runtime allows it (workerd's `readAtLeast`):
 * request bodies otherwise arrive in 4 KiB pieces, and handling each one in JavaScript cost seconds of CPU and
 * a hundred megabytes of short-lived garbage per 200 MB (bench/README.md). A read that waits longer than `stallMs`
 * for its quarter megabyte (or the body's end) fails with `upload_stalled`: slower than 8.7 KB/s at the product's
 * 30 s. Only time spent waiting for the sender counts; a reader that is slow to ask (NemoVideo) doesn't.
 */
function largeChunks(stream: ReadableStream<Uint8Array>, stallMs: number) {
  let bytes: ByteReader | undefined;
  try {
    bytes = stream.getReader({ mode: "byob" }) as ByteReader;
  } catch {
    // Not a byte stream: read it as it comes.
  }
  const plain = bytes ? undefined : stream.getReader();
  // A byte reader takes a buffer over and gives it back in its answer's view: that is the one kept for its turn.
  const buffers = Array.from({ length: BUFFERS }, () => new ArrayBuffer(LARGE_CHUNK));
  let turn = 0;
  const next = async (): Promise<Uint8Array | undefined> => {
    if (plain) {
      const { done, value } = await plain.read();
      return done ? undefined : value;
    }
    const slot = turn++ % BUFFERS;
    const { done, value } = await bytes!.readAtLeast(AT_LEAST, new Uint8Array(buffers[slot]));
    if (value) buffers[slot] = value.buffer as ArrayBuffer;
    return value && value.byteLength > 0 ? value : done ? undefined : new Uint8Array(0);
  };
  return {
    async read(): Promise<Uint8Array | undefined> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(stalled(stallMs)), stallMs);
      });
      try {
        return await Promise.race([next(), waited]);
      } finally {
        clearTimeout(timer);
      }
    },
    cancel: () => (bytes ?? plain)!.cancel().catch(() => {}),
  };
}
