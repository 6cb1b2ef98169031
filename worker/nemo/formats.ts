/** The file types NemoVideo accepts, by extension. Shared by the Worker's checks and the page's file picker. */
export const SUPPORTED_FORMATS = {
  video: ["mp4", "mov", "avi", "webm", "mkv"],
  image: ["jpg", "png", "gif", "webp"],
  audio: ["mp3", "wav", "m4a", "aac"],
} as const;

export type MediaKind = keyof typeof SUPPORTED_FORMATS;

/** NemoVideo's largest file: `MAX_UPLOAD_BYTES` defaults to it, and the page checks files against it first. */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;

export const FORMATS_SENTENCE =
  "Supported formats: video MP4, MOV, AVI, WebM, MKV; images JPG, PNG, GIF, WebP; audio MP3, WAV, M4A, AAC.";

/** The kind of a file name or URL path by its extension, or undefined when NemoVideo can't take it. */
export function mediaKindOf(name: string): MediaKind | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(name.trim())?.[1]?.toLowerCase();
  if (!extension) return undefined;
  for (const [kind, extensions] of Object.entries(SUPPORTED_FORMATS) as [MediaKind, readonly string[]][])
    if (extensions.includes(extension)) return kind;
  return undefined;
}

const MEDIA_TYPES: Record<string, string> = {
  mp4: "video/mp4",
  mov: "video/quicktime",
  avi: "video/x-msvideo",
  webm: "video/webm",
  mkv: "video/x-matroska",
  jpg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  m4a: "audio/mp4",
  aac: "audio/aac",
};

/** The media type to declare for a file name NemoVideo accepts. */
export const mediaTypeOf = (name: string) =>
  MEDIA_TYPES[/\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? ""] ?? "application/octet-stream";
