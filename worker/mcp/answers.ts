import type { CallToolResult, ContentBlock } from "@modelcontextprotocol/server";
import { toAppError } from "../errors";
import type { Generation } from "../generations/schema";
import type { Video as LibraryVideo } from "../videos/schema";
import type { Started, Video } from "./schema";

/** How often an agent should look again while a video is made, and how long one takes. */
export const POLL_SENTENCE = "Call get_video with its id every 5 seconds or so; a video takes 1 to 3 minutes.";

/** Where this server runs on the emulator (`npm start`), said with every video, for the agent to tell the person. */
export const SAMPLE_CLIP_SENTENCE =
  "Videos here are sample clips, not made from the prompt: this server runs on PromptReel's built-in NemoVideo emulator.";

/** A video, or a video just started, marked as a sample clip where this server runs on the emulator. */
export const marked = <T extends object>(value: T, sampleClip: boolean): T & { sampleClip?: true } =>
  sampleClip ? { ...value, sampleClip: true } : value;

/** What a sample clip's answer adds to its text. */
const sampleNote = (value: { sampleClip?: true }) => (value.sampleClip ? ` ${SAMPLE_CLIP_SENTENCE}` : "");

/**
 * A generation (signed, with absolute links) as the MCP tools show a video; once completed, with what the library
 * keeps of it (the copy to play, its title, its share page).
 */
export function toVideo(generation: Generation, kept?: LibraryVideo): Video {
  const { generationId, status, prompt, progress, downloadUrl, error, editOf, createdAt } = generation;
  return {
    id: generationId,
    status,
    prompt,
    ...(status === "rendering" && progress !== undefined ? { progress } : {}),
    ...(kept ? { title: kept.title, url: kept.url } : {}),
    ...(downloadUrl ? { downloadUrl } : {}),
    ...(kept?.shareUrl ? { shareUrl: kept.shareUrl } : {}),
    ...(kept?.posterUrl ? { posterUrl: kept.posterUrl } : {}),
    ...(error ? { error } : {}),
    ...(editOf ? { editOf } : {}),
    createdAt,
  };
}

/** A finished video of the library that was made in the app's chat (no generation of its own). */
export const keptVideo = (video: LibraryVideo): Video => ({
  id: video.videoId,
  status: "completed",
  prompt: video.title,
  title: video.title,
  url: video.url,
  downloadUrl: video.downloadUrl,
  ...(video.shareUrl ? { shareUrl: video.shareUrl } : {}),
  ...(video.posterUrl ? { posterUrl: video.posterUrl } : {}),
  createdAt: video.createdAt,
});

/** What a video's status means for the agent, in a sentence or two (and whether it is a sample clip). */
export function describeVideo(video: Video): string {
  return statusSentence(video) + sampleNote(video);
}

function statusSentence(video: Video): string {
  const { id, status } = video;
  if (status === "queued") return `${id} is queued. ${POLL_SENTENCE}`;
  if (status === "generating") return `${id} is generating: NemoVideo is making the clip. ${POLL_SENTENCE}`;
  if (status === "rendering") return `${id} is rendering the MP4 (${video.progress ?? 0}%). ${POLL_SENTENCE}`;
  if (status === "completed" && !video.downloadUrl) return `${id} was made, then deleted by the person: there is no MP4 any more.`;
  if (status === "completed") return `${id} is ready. The MP4: ${video.downloadUrl} (the link works for 24 hours, no key needed).`;
  if (status === "failed") return `${id} failed: ${video.error?.message ?? "no reason was given."}`;
  return `${id} was cancelled.`;
}

/** The list of videos for clients that read text: a line each, newest first. */
export function listText(videos: Video[]): string {
  if (!videos.length) return "No videos yet: make one with create_video.";
  const lines = videos.map((video) => `${video.id} (${video.status}${video.sampleClip ? ", sample clip" : ""}): ${video.prompt}`);
  return lines.join("\n") + sampleNote(videos[0]);
}

/** A video just started (create_video, edit_video): its id and status, and what to do next. */
export const startedAnswer = (started: Started, text: string): CallToolResult =>
  answer(started, `${text} ${POLL_SENTENCE}${sampleNote(started)}`);

/** The finished MP4 as a resource link, for clients that show or fetch files. */
export const videoLink = (video: Video): ContentBlock[] =>
  video.downloadUrl
    ? [{ type: "resource_link", uri: video.downloadUrl, name: `${video.id}.mp4`, mimeType: "video/mp4", description: video.prompt }]
    : [];

/** A tool's answer: the value for clients that read `structuredContent`, a short text for those that read text. */
export const answer = (value: Record<string, unknown>, text: string, more: ContentBlock[] = []): CallToolResult => ({
  content: [{ type: "text", text }, ...more],
  structuredContent: value,
});

/**
 * A refusal as a tool error, in the API's own sentence (with its way out, when there is one), so that the agent
 * can tell the person or try otherwise. Anything unexpected is logged and answered in general words.
 */
export function refusal(error: unknown): CallToolResult {
  const appError = toAppError(error);
  if (appError.code === "internal") console.error("an MCP tool failed", error instanceof Error ? error.stack : error);
  return { isError: true, content: [{ type: "text", text: appError.link ? `${appError.message} ${appError.link}` : appError.message }] };
}
