import { z } from "@hono/zod-openapi";

/**
 * What the door to NemoVideo answers, in our own terms: the features build their API shapes from these, and
 * nothing outside `nemo/` ever sees NemoVideo's own keys.
 */

export const Track = z
  .object({
    kind: z.enum(["video", "audio", "text", "other"]),
    label: z.string(),
    startMs: z.number(),
    endMs: z.number(),
    volume: z.number().min(0).max(1).optional().openapi({ description: "0 to 1, for audio." }),
  })
  .openapi("Track");
export const Timeline = z.object({ durationMs: z.number(), tracks: z.array(Track) }).openapi("Timeline");
export type Track = z.infer<typeof Track>;
export type Timeline = z.infer<typeof Timeline>;

export const Media = z
  .object({
    name: z.string(),
    kind: z.enum(["video", "image", "audio", "other"]),
    made: z.enum(["uploaded", "generated"]).openapi({ description: "Sent by the person, or made by NemoVideo." }),
    url: z.string().optional(),
    durationS: z.number().optional(),
  })
  .openapi("Media");
export type Media = z.infer<typeof Media>;

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

/** A render as we speak of it: NemoVideo's status words already read into ours. */
export interface RenderJob {
  id: string;
  status: "pending" | "processing" | "completed" | "failed";
  progress: number;
  url?: string;
  /** The finished video's length, when the answer says. */
  durationS?: number;
  createdAt?: number;
  completedAt?: number;
  error?: string;
}

/** A NemoVideo session: its ids, and its account when NemoVideo names it. */
export interface UpstreamSession {
  upstreamId: string;
  taskId: string;
  userId?: string;
}

/** Who an upstream call was made for: decides which way out an error offers. */
export interface Caller {
  anonymous: boolean;
  userId?: string;
}

/** The token a call is made with, and whose account it is. Never leaves the server. */
export interface Credentials extends Caller {
  token: string;
  expiresAt?: number;
}
