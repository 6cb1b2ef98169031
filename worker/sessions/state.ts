import { z } from "@hono/zod-openapi";
import type { NemoClient } from "../nemo/client";
import type { SessionRecord } from "../visitor/records";
import { isExportReady, summarize, Timeline } from "./timeline";

export const Media = z
  .object({
    name: z.string(),
    kind: z.enum(["video", "image", "audio", "other"]),
    url: z.string().optional(),
    durationS: z.number().optional(),
  })
  .openapi("Media");
export type Media = z.infer<typeof Media>;

/** A session as `GET /sessions/{id}` answers it. */
export const SessionDetail = z
  .object({
    sessionId: z.uuid(),
    summary: z.string().openapi({ example: "Timeline (2 tracks): 1. Video: a fox in the snow (0-8s) 2. BGM: Lo-fi (0-8s, 35%)" }),
    timeline: Timeline,
    media: z.array(Media),
    exportReady: z.boolean(),
  })
  .openapi("Session");
export type SessionView = Omit<z.infer<typeof SessionDetail>, "sessionId">;

/** A session as the person sees it: its timeline, a summary in its language, its media. */
export async function readSession(nemo: NemoClient, record: SessionRecord): Promise<SessionView> {
  const { timeline, media } = await nemo.state(record.upstreamId);
  return { timeline, summary: summarize(timeline, record.language), media, exportReady: isExportReady(timeline) };
}
