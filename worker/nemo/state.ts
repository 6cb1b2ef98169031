import type { SessionState, UploadedFiles } from "./envelopes";
import { type MediaKind, mediaKindOf } from "./formats";
import type { Media, Timeline, Track, UploadedFile } from "./shapes";

const KIND_BY_TYPE: Record<number, Track["kind"]> = { 0: "video", 1: "audio", 7: "text" };

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const firstNumber = (source: Record<string, unknown>, keys: string[]) => {
  for (const key of keys) {
    const value = Number(source[key]);
    if (source[key] != null && Number.isFinite(value)) return value;
  }
  return undefined;
};
const firstText = (source: Record<string, unknown>, keys: string[]) => {
  for (const key of keys) if (typeof source[key] === "string" && source[key]) return (source[key] as string).trim();
  return undefined;
};

/** Volumes come as 0–1 or as percentages. */
const normaliseVolume = (value: number | undefined) =>
  value === undefined ? undefined : Math.max(0, Math.min(1, value > 1 ? value / 100 : value));

/**
 * Reads NemoVideo's draft (`t` tracks, `tt` type, `sg` segments, `d` duration in ms, `m` metadata) into our
 * timeline. Segment keys are not documented, so each value is looked for under the names seen so far.
 */
export function toTimeline(draft: unknown): Timeline {
  const root = record(draft);
  const tracks: Track[] = [];
  for (const rawTrack of Array.isArray(root.t) ? root.t : Array.isArray(root.tracks) ? root.tracks : []) {
    const track = record(rawTrack);
    const segments = (Array.isArray(track.sg) ? track.sg : Array.isArray(track.segments) ? track.segments : []).map(
      record,
    );
    if (segments.length === 0) continue;
    const type = firstNumber(track, ["tt", "type"]);
    const labels = segments.map((segment) => firstText(segment, ["label", "name", "n", "text", "txt", "title", "content"]));
    const starts = segments.map((segment) => firstNumber(segment, ["startMs", "start", "s", "st", "start_ms", "in", "from"]) ?? 0);
    const ends = segments.map((segment, index) => {
      const end = firstNumber(segment, ["endMs", "end", "e", "et", "end_ms", "out", "to"]);
      if (end !== undefined) return end;
      return starts[index] + (firstNumber(segment, ["durationMs", "duration", "d", "dur"]) ?? 0);
    });
    const volume = normaliseVolume(
      firstNumber(track, ["volume", "vol", "v"]) ??
        segments.map((segment) => firstNumber(segment, ["volume", "vol", "v"])).find((v) => v !== undefined),
    );
    tracks.push({
      kind: KIND_BY_TYPE[type ?? -1] ?? "other",
      label: [...new Set(labels.filter(Boolean))].join(", ") || firstText(track, ["name", "label"]) || "",
      startMs: Math.min(...starts),
      endMs: Math.max(...ends),
      ...(volume !== undefined ? { volume } : {}),
    });
  }
  const durationMs = firstNumber(root, ["d", "duration", "durationMs"]) ?? Math.max(0, ...tracks.map((t) => t.endMs));
  return { durationMs, tracks };
}

const MEDIA_KINDS = new Set(["video", "image", "audio"]);

function toMedia(item: unknown, made: Media["made"]): Media | undefined {
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
    made: value.source === "generated" ? "generated" : made,
    ...(url ? { url } : {}),
    ...(value.duration != null && Number.isFinite(duration) ? { durationS: duration } : {}),
  };
}

/**
 * The session's media: what it analysed (`video_infos`: the person's uploads, and perhaps what it made) and what it
 * made (`generated_media`), each once; an item also listed among the generated ones counts as made by NemoVideo.
 */
function readMedia(state: SessionState["state"]): Media[] {
  const generated = (state?.generated_media ?? []).map((item) => toMedia(item, "generated")).filter((item) => item !== undefined);
  const madeUrls = new Set(generated.map((item) => item.url).filter(Boolean));
  const infos = (state?.video_infos ?? [])
    .map((item) => toMedia(item, "uploaded"))
    .filter((item) => item !== undefined)
    .map((item): Media => (item.url && madeUrls.has(item.url) ? { ...item, made: "generated" } : item));
  const infoUrls = new Set(infos.map((item) => item.url).filter(Boolean));
  return [...infos, ...generated.filter((item) => !item.url || !infoUrls.has(item.url))];
}

/** What the draft says of the video it makes: its title (`m.title`) and its frame (`m.width`, `m.height`). */
function readCanvas(draft: unknown): { title?: string; width?: number; height?: number } {
  const meta = record(record(draft).m);
  const title = firstText(meta, ["title", "name"]);
  const width = firstNumber(meta, ["width", "w"]);
  const height = firstNumber(meta, ["height", "h"]);
  return { ...(title ? { title } : {}), ...(width && height ? { width, height } : {}) };
}

/** A session's state (`draft`, `video_infos`, `generated_media`; any may be missing) in our terms. */
export function readState(state: SessionState["state"]) {
  return { draft: state?.draft ?? null, timeline: toTimeline(state?.draft), media: readMedia(state), ...readCanvas(state?.draft) };
}

/** What NemoVideo made of uploaded files, in our terms. */
export function readUploads(uploaded: UploadedFiles): UploadedFile[] {
  return uploaded.files.map((file) => ({
    name: file.filename,
    kind: (MEDIA_KINDS.has(file.file_type ?? "") ? file.file_type : (mediaKindOf(file.filename) ?? "video")) as MediaKind,
    url: file.cdn_url ?? "",
    ...(file.duration != null ? { durationS: file.duration } : {}),
    ...(file.width != null ? { width: file.width } : {}),
    ...(file.height != null ? { height: file.height } : {}),
  }));
}
