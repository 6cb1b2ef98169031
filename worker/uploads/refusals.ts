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
