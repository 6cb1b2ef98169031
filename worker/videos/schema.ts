import { z } from "@hono/zod-openapi";
import { idPattern } from "../ids";

/** A finished video, kept in our own bucket (NemoVideo's result links are not ours to keep). */
export const Video = z
  .object({
    videoId: z.string().openapi({ example: "exp_6f1c2a9e4b7d4c0e", description: "The export that made it." }),
    title: z.string().openapi({ example: "A fox running through a snowy forest" }),
    createdAt: z.number().openapi({ description: "Epoch milliseconds." }),
    durationS: z.number().optional().openapi({ description: "Its length in seconds, when known." }),
    width: z.number().openapi({ example: 1280, description: "Its frame in pixels (1280x720 when NemoVideo's draft didn't say)." }),
    height: z.number().openapi({ example: 720 }),
    posterUrl: z.string().optional().openapi({ description: "A still of it (JPEG), once the page has made one." }),
    url: z.string().openapi({
      description: "Absolute: the MP4 to play (`<video src>`), answers byte ranges, works without the key for 24 hours.",
    }),
    downloadUrl: z.string().openapi({ description: "Absolute: the same MP4 as an attachment named after the title." }),
    shareUrl: z.string().optional().openapi({ description: "Its public page, while it is shared." }),
  })
  .openapi("Video");
export type Video = z.infer<typeof Video>;

export const VideoParams = z.object({
  id: z
    .string()
    .regex(idPattern("exp"), "a video id looks like exp_ followed by 16 hex digits")
    .openapi({ param: { name: "id", in: "path" }, example: "exp_6f1c2a9e4b7d4c0e" }),
});

export const ShareParams = z.object({
  shareId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{22}$/, "a share id is 22 letters, digits, - or _")
    .openapi({ param: { name: "shareId", in: "path" }, example: "pV3q9sXbT0aLm2Yk7wQe1g" }),
});

export const Share = z
  .object({
    shareUrl: z.string().openapi({ description: "Absolute: this deployment's address, then `/v/` and the share page's id." }),
  })
  .openapi("Share");
