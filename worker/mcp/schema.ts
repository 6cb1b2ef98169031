import { z } from "@hono/zod-openapi";
import { JobError } from "../exports/schema";
import { EditRequest, GenerationParams, GenerationRequest, GenerationStatus } from "../generations/schema";

/**
 * The MCP tools' inputs and outputs. Inputs are the JSON API's own schemas (a video is a generation, its id the
 * generation id), without what an agent has no use for (a webhook: it polls instead).
 */
export const VideoId = GenerationParams;

export const CreateVideoInput = GenerationRequest.omit({ webhookUrl: true });

export const EditVideoInput = EditRequest.omit({ webhookUrl: true }).extend({
  id: GenerationParams.shape.id.describe("The video to change (from create_video or list_videos)."),
});

export const Started = z.object({
  id: z.string().describe("The new video's id: poll get_video with it."),
  status: GenerationStatus,
});

export const Video = z.object({
  id: z.string().describe("The video's id (gen_…)."),
  status: GenerationStatus.describe(
    "queued → generating (NemoVideo makes the clip) → rendering (the MP4 is exported) → completed; or failed, or cancelled.",
  ),
  prompt: z.string().describe("What was asked for, as sent to NemoVideo."),
  progress: z.number().optional().describe("The render's progress, 0–100, while rendering."),
  url: z.string().optional().describe("When completed: NemoVideo's own address of the MP4."),
  downloadUrl: z
    .string()
    .optional()
    .describe("When completed: the MP4, an absolute link that works for 24 hours with no other credential."),
  error: JobError.optional().describe("When failed: why, in words."),
  editOf: z.string().optional().describe("The video this one changes (edit_video)."),
  createdAt: z.number().describe("When it was asked for, epoch milliseconds."),
});
export type Video = z.infer<typeof Video>;

export const VideoList = z.object({ videos: z.array(Video).describe("The visitor's videos, newest first.") });
