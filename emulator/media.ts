import type { Draft } from "./drafts";
import { pick, stableHash } from "./ids";
import type { MediaInfo } from "./types";

const FORMATS: Record<MediaInfo["file_type"], string[]> = {
  video: ["mp4", "mov", "avi", "webm", "mkv"],
  image: ["jpg", "png", "gif", "webp"],
  audio: ["mp3", "wav", "m4a", "aac"],
};

/** The kind of file by its extension (case-insensitive), or undefined for an unsupported format (code 4001). */
export function fileTypeOf(filename: string): MediaInfo["file_type"] | undefined {
  const extension = /\.([^./\\]+)$/.exec(filename)?.[1]?.toLowerCase() ?? "";
  return (Object.keys(FORMATS) as MediaInfo["file_type"][]).find((type) => FORMATS[type].includes(extension));
}

/** A 32-hex-digit content hash stand-in, stable for the same name and size. */
export const fakeHash = (key: string): string =>
  [0, 1, 2, 3].map((round) => stableHash(`${round}:${key}`).toString(16).padStart(8, "0")).join("");

const SIZES = [
  [1920, 1080],
  [1280, 720],
  [1080, 1920],
];

/** Plausible metadata for a file the emulator never decodes; null where it does not apply. */
export function describeUpload(
  filename: string,
  type: MediaInfo["file_type"],
  cdnUrl: string,
  size: number | undefined,
  source: MediaInfo["source"],
): MediaInfo {
  const key = `${filename}:${size ?? "url"}`;
  const [width, height] = SIZES[pick(key, 0, SIZES.length - 1)];
  const visual = type !== "audio";
  return {
    filename,
    file_type: type,
    cdn_url: cdnUrl,
    duration: type === "image" ? null : pick(key, 30, 600) / 10,
    width: visual ? width : null,
    height: visual ? height : null,
    fps: type === "video" ? [24, 25, 30][pick(key, 0, 2)] : null,
    hash: fakeHash(key),
    ...(size === undefined ? {} : { size }),
    source,
  };
}

/** The `generated_media` and `video_infos` entries of a generated clip served at `url`. */
export function describeGeneration(draft: Draft, prompt: string, url: string) {
  const duration = draft.d / 1000;
  return {
    generated: {
      id: `gen_${fakeHash(url).slice(0, 16)}`,
      type: "video",
      url,
      prompt,
      duration,
      width: draft.m.width,
      height: draft.m.height,
      model: "seedance",
    },
    info: {
      filename: `${draft.m.title}.mp4`,
      file_type: "video",
      cdn_url: url,
      duration,
      width: draft.m.width,
      height: draft.m.height,
      fps: 24,
      hash: fakeHash(prompt),
      source: "generated",
    } satisfies MediaInfo,
  };
}
