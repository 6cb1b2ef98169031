import { z } from "@hono/zod-openapi";
import type { NemoClient } from "../nemo/client";
import type { SessionRecord } from "../visitor/records";
import { isExportReady, summarize, type Timeline, toTimeline } from "./timeline";

export const Media = z
  .object({
    name: z.string(),
    kind: z.enum(["video", "image", "audio", "other"]),
    url: z.string().optional(),
    durationS: z.number().optional(),
  })
  .openapi("Media");
export type Media = z.infer<typeof Media>;

export interface SessionView {
  timeline: Timeline;
  summary: string;
  media: Media[];
  exportReady: boolean;
  draft: unknown;
}

const MEDIA_KINDS = new Set(["video", "image", "audio"]);

function toMedia(item: unknown): Media | undefined {
  if (!item || typeof item !== "object") return undefined;
  const value = item as Record<string, unknown>;
  const url = [value.cdn_url, value.url, value.video_url, value.media_url].find((v) => typeof v === "string") as
    | string
    | undefined;
  const name = [value.filename, value.name, value.title, url].find((v) => typeof v === "string") as string | undefined;
  if (!name) return undefined;
  const type = String(value.file_type ?? value.type ?? value.media_type ?? "");
  const duration = Number(value.duration);
  return {
    name,
    kind: MEDIA_KINDS.has(type) ? (type as Media["kind"]) : "other",
    ...(url ? { url } : {}),
    ...(value.duration != null && Number.isFinite(duration) ? { durationS: duration } : {}),
  };
}

/** Reads a session's state from NemoVideo and puts it in our terms. */
export async function readSession(nemo: NemoClient, record: SessionRecord): Promise<SessionView> {
  const state = (await nemo.state(record.upstreamId)).state ?? {};
  const timeline = toTimeline(state.draft);
  const media = [...(state.video_infos ?? []), ...(state.generated_media ?? [])]
    .map(toMedia)
    .filter((m): m is Media => m !== undefined);
  return {
    timeline,
    summary: summarize(timeline, record.language),
    media,
    exportReady: isExportReady(timeline),
    draft: state.draft ?? null,
  };
}
