import { z } from "@hono/zod-openapi";
import { NextCursor } from "../cursor";
import { JobError } from "../exports/schema";
import { VALID_KEY } from "../idempotency/middleware";
import { EditRequest, GenerationParams, GenerationRequest, GenerationStatus } from "../generations/schema";

/**
 * The MCP tools' inputs and outputs. Inputs are the JSON API's own schemas (a video is a generation, its id the
 * generation id), without what an agent has no use for (a webhook: it polls instead).
 */
export const VideoId = GenerationParams;

/** A video to look at: one made with create_video (gen_…), or any finished one of the library (exp_…). */
export const AnyVideoId = z.object({
  id: z
    .string()
    .regex(/^(gen|exp)_[0-9a-f]{16}$/, "a video id looks like gen_ or exp_ followed by 16 hex digits")
    .describe("The video's id, from create_video, edit_video or list_videos."),
});

/** As the API's `Idempotency-Key` header, in the same store: a call retried with it makes nothing new. */
const IdempotencyKey = z
  .string()
  .regex(VALID_KEY, "1 to 255 visible ASCII characters, no spaces")
  .optional()
  .describe("Optional: a key of yours (1 to 255 visible ASCII characters). The same call again with the same key and arguments, within 24 hours, answers the first answer and makes nothing new.");

export const CreateVideoInput = GenerationRequest.omit({ webhookUrl: true, conversationId: true }).extend({ idempotencyKey: IdempotencyKey });

export const EditVideoInput = EditRequest.omit({ webhookUrl: true }).extend({
  id: GenerationParams.shape.id.describe("The video to change (from create_video or list_videos)."),
  idempotencyKey: IdempotencyKey,
});

/** Said of every video where this server runs on the emulator (`npm start`), absent elsewhere. */
const SampleClip = z
  .literal(true)
  .optional()
  .describe("Present when this server runs on PromptReel's built-in NemoVideo emulator: the video is a sample clip, not made from its prompt.");

export const Started = z.object({
  id: z.string().describe("The new video's id: poll get_video with it."),
  status: GenerationStatus,
  sampleClip: SampleClip,
});
export type Started = z.infer<typeof Started>;

export const Video = z.object({
  id: z.string().describe("The video's id: gen_… for one made with create_video, exp_… for one made in the app's chat."),
  status: GenerationStatus.describe(
    "queued → generating (NemoVideo makes the clip) → rendering (the MP4 is exported) → completed; or failed, or cancelled.",
  ),
  prompt: z.string().describe("What was asked for, as sent to NemoVideo."),
  progress: z.number().optional().describe("The render's progress, 0–100, while rendering."),
  title: z.string().optional().describe("When completed: the video's title."),
  url: z.string().optional().describe("When completed: the MP4 to play (kept by PromptReel, answers byte ranges), an absolute link for 24 hours."),
  downloadUrl: z
    .string()
    .optional()
    .describe("When completed: the MP4, an absolute link that works for 24 hours with no other credential."),
  shareUrl: z.string().optional().describe("Its public page, when the person shared it (in the app or the API)."),
  posterUrl: z.string().optional().describe("When completed: a still of it (JPEG), once PromptReel's page has made one."),
  error: JobError.optional().describe("When failed: why, in words."),
  editOf: z.string().optional().describe("The video this one changes (edit_video)."),
  sampleClip: SampleClip,
  createdAt: z.number().describe("When it was asked for, epoch milliseconds."),
});
export type Video = z.infer<typeof Video>;

/** As the API's list query (`limit`, `after`), in words an agent reads when it gets them wrong. */
export const ListVideosInput = z.object({
  limit: z
    .number()
    .int("limit is a whole number of videos")
    .min(1, "limit is 1 to 100 videos a page")
    .max(100, "limit is 1 to 100 videos a page")
    .optional()
    .describe("Videos on a page: 1 to 100 (20 when not given)."),
  after: z.string().max(200).optional().describe("The nextCursor of the page before: the page after it. Leave it out for the newest videos."),
});

export const VideoList = z.object({
  videos: z.array(Video).describe("One page of the visitor's videos, newest first."),
  nextCursor: NextCursor.describe("Give it as `after` for the next page; null on the last page."),
});
