import { z } from "@hono/zod-openapi";
import { AppError } from "../errors";
import { FORMATS_SENTENCE } from "./formats";

export const UploadedFile = z
  .object({
    name: z.string(),
    kind: z.enum(["video", "image", "audio"]),
    url: z.string(),
    durationS: z.number().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
  })
  .openapi("UploadedFile");
export type UploadedFile = z.infer<typeof UploadedFile>;
export const UploadAnswer = z.object({ files: z.array(UploadedFile) }).openapi("UploadAnswer");

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

export const tooLarge = (maxBytes: number) =>
  new AppError(
    "file_too_large",
    `That file is too large: ${megabytes(maxBytes)} MB at most. Try compressing or trimming it first.`,
  );

export const unsupported = (name: string) =>
  new AppError("unsupported_format", `"${name}" is not a file NemoVideo can use. ${FORMATS_SENTENCE}`);
