import { z } from "@hono/zod-openapi";
import { AppError } from "../errors";
import type { UploadedFiles } from "../nemo/schemas";
import { FORMATS_SENTENCE, type MediaKind, mediaKindOf } from "./formats";

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
export const UploadAnswer = z.object({ files: z.array(UploadedFile) }).openapi("UploadAnswer");

const KINDS = new Set<string>(["video", "image", "audio"]);

/** What NemoVideo made of the files, in our terms. */
export function toUploadAnswer(uploaded: UploadedFiles): z.infer<typeof UploadAnswer> {
  return {
    files: uploaded.files.map((file) => ({
      name: file.filename,
      kind: (KINDS.has(file.file_type ?? "") ? file.file_type : (mediaKindOf(file.filename) ?? "video")) as MediaKind,
      url: file.cdn_url ?? "",
      ...(file.duration != null ? { durationS: file.duration } : {}),
      ...(file.width != null ? { width: file.width } : {}),
      ...(file.height != null ? { height: file.height } : {}),
    })),
  };
}

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

export const tooLarge = (maxBytes: number) =>
  new AppError(
    "file_too_large",
    `That file is too large: ${megabytes(maxBytes)} MB at most. Try compressing or trimming it first.`,
  );

export const unsupported = (name: string) =>
  new AppError("unsupported_format", `"${name}" is not a file NemoVideo can use. ${FORMATS_SENTENCE}`);
