import { z } from "@hono/zod-openapi";
import { UploadedFile } from "../nemo/shapes";

export const UploadAnswer = z.object({ files: z.array(UploadedFile) }).openapi("UploadAnswer");

export const NewUpload = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ example: "beach-day.mp4" }),
    size: z.number().int().positive().openapi({ example: 157286400, description: "The file's size in bytes." }),
  })
  .openapi("NewUpload");

export const UploadStatus = z
  .object({
    uploadId: z.uuid(),
    sessionId: z.uuid(),
    name: z.string(),
    size: z.number(),
    partSize: z.number().openapi({ description: "Every part has this many bytes but the last, which has the rest." }),
    partCount: z.number(),
    receivedParts: z.array(z.number()).openapi({ description: "Part numbers already stored; send the others." }),
  })
  .openapi("UploadStatus");

/** A large upload on its way in, in parts, to R2; sent to NemoVideo once every part has arrived. */
export const UploadRecord = z.object({
  id: z.string(),
  sessionId: z.string(),
  name: z.string(),
  size: z.number(),
  partSize: z.number(),
  r2Key: z.string(),
  r2UploadId: z.string(),
  createdAt: z.number(),
});
export type UploadRecord = z.infer<typeof UploadRecord>;
export interface UploadedPart {
  partNumber: number;
  etag: string;
}

export const partCount = (upload: Pick<UploadRecord, "size" | "partSize">) => Math.max(1, Math.ceil(upload.size / upload.partSize));

/** The byte count part `n` must have: every part is `partSize` but the last. */
export const partLength = (upload: Pick<UploadRecord, "size" | "partSize">, n: number) =>
  n < partCount(upload) ? upload.partSize : upload.size - upload.partSize * (partCount(upload) - 1);

