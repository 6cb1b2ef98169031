import { AppError } from "../errors";
import { FORMATS_SENTENCE } from "../nemo/formats";

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

export const tooLarge = (maxBytes: number) =>
  new AppError(
    "file_too_large",
    `That file is too large: ${megabytes(maxBytes)} MB at most. Try compressing or trimming it first.`,
  );

export const unsupported = (name: string) =>
  new AppError("unsupported_format", `"${name}" is not a file NemoVideo can use. ${FORMATS_SENTENCE}`);

/** A file sent in one request whose bytes stopped arriving (or came slower than a quarter megabyte in `stallMs`). */
export const stalled = (stallMs: number) =>
  new AppError(
    "upload_stalled",
    `The file stopped arriving (less than a quarter megabyte in ${Math.round(stallMs / 1000)} seconds), so the upload was cut and nothing of it was kept. Check the connection and send it again; for a large file on a shaky connection, use the resumable upload.`,
  );
