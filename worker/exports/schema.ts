import { z } from "@hono/zod-openapi";
import { idPattern } from "../ids";
import { EXPORT_STATUSES } from "./statuses";

export const ExportStatus = z.enum(EXPORT_STATUSES);

export const JobError = z
  .object({ code: z.string(), message: z.string(), link: z.string().optional(), retryAt: z.number().optional() })
  .openapi("JobError");
export type JobError = z.infer<typeof JobError>;

/** An export as the visitor's Durable Object keeps it (no signed links: the Worker adds those). */
export const ExportRecord = z.object({
  exportId: z.string(),
  sessionId: z.string(),
  status: ExportStatus,
  progress: z.number(),
  url: z.string().optional(),
  error: JobError.optional(),
  createdAt: z.number(),
  completedAt: z.number().optional(),
  deletedAt: z.number().optional(),
});
export type ExportRecord = z.infer<typeof ExportRecord>;

export const Export = ExportRecord.extend({
  exportId: z.string().openapi({ example: "exp_6f1c2a9e4b7d4c0e" }),
  progress: z.number().min(0).max(100).openapi({ description: "0–100, as NemoVideo reports it." }),
  url: z.string().optional().openapi({ description: "NemoVideo's own address of the finished file (its CDN)." }),
  downloadUrl: z.string().optional().openapi({
    description:
      "When completed: this API's address of the MP4, signed for this export and valid for 24 hours, so it works without the key (as a `<video src>` or a download link). Answers with `Content-Disposition: attachment` and supports `Range`.",
  }),
  createdAt: z.number().openapi({ description: "Epoch milliseconds." }),
  completedAt: z.number().optional().openapi({ description: "Epoch milliseconds." }),
  deletedAt: z.number().optional().openapi({
    description: "When the person deleted the video (epoch milliseconds): the export has no `url` or `downloadUrl` any more, and its download answers 404.",
  }),
}).openapi("Export");
export type Export = z.infer<typeof Export>;

export const ExportRequest = z
  .object({
    format: z.literal("mp4").default("mp4"),
    quality: z.enum(["high", "standard"]).default("high"),
  })
  .openapi("ExportRequest");

export const ExportParams = z.object({
  id: z
    .string()
    .regex(idPattern("exp"), "an export id looks like exp_ followed by 16 hex digits")
    .openapi({ param: { name: "id", in: "path" }, example: "exp_6f1c2a9e4b7d4c0e" }),
});
