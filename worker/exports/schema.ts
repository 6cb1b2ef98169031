import { z } from "@hono/zod-openapi";
import { idPattern } from "../ids";
import { EXPORT_STATUSES } from "./statuses";

export const ExportStatus = z.enum(EXPORT_STATUSES);

/** When a running job should be done: the same field on exports and generations. */
export const EstimatedCompletionAt = z.iso
  .datetime()
  .optional()
  .openapi({
    description:
      "While it runs: when it should be done (ISO 8601, always in the future), from NemoVideo's progress once that has moved, else from how long this deployment's recent ones took (the median of the last 25). Absent before this deployment has finished one of its kind and while the progress has not moved.",
    example: "2026-12-07T14:03:30.000Z",
  });

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
  estimatedCompletionAt: z.string().optional(),
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
  estimatedCompletionAt: EstimatedCompletionAt,
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
