import { lengthAsked, shapeAsked, withoutChoices } from "./choices";
import { type Shape, SHAPES, snapLength } from "./clips";
import { pick } from "./ids";

/** A segment in the emulator's own (short-key) form: label, start and end in ms, volume 0–1. */
export interface Segment {
  n: string;
  s: number;
  e: number;
  v?: number;
}

/** Track types of the draft: 0 video, 1 audio (BGM), 7 text (title); others occur (3 here: stickers). */
export const VIDEO = 0;
export const AUDIO = 1;
export const TEXT = 7;
export const STICKERS = 3;

export interface Track {
  tt: number;
  sg: Segment[];
}

/** The session's timeline (`state.draft`): tracks, duration in ms, metadata. */
export interface Draft {
  t: Track[];
  d: number;
  m: { title: string; width: number; height: number };
}

export const BGM_STYLES = ["Lo-fi", "Ambient", "Cinematic", "Upbeat", "Acoustic"];
export const BGM_VOLUME = 0.35;
const TITLE_MS = 3000;

const LEAD_IN =
  /^(?:please\s+)?(?:can you\s+)?(?:generate|create|make|render|produce)\s+(?:me\s+)?(?:an?\s+)?(?:[\w:-]+\s+){0,3}?(?:video|clip|movie|film|animation)(?:\s+clip)?(?:\s+(?:of|about|showing|with))?\s+/i;
const STOP_WORDS = new Set(["a", "an", "the", "of", "over", "with", "in", "on", "at", "through", "and", "to", "for", "by"]);

/** What the video shows, from the prompt: "generate a clip of a fox in snow" → "a fox in snow". */
export function subjectOf(prompt: string): string {
  const subject = withoutChoices(prompt)
    .trim()
    .replace(LEAD_IN, "")
    .replace(/^(?:请)?(?:帮我)?生成(?:一个|一段)?(?:\d+秒的?)?(?:视频)?[:：，,]?/, "")
    .replace(/[.!?。！？]+$/, "")
    .trim();
  if (!subject) return "Generated clip";
  return subject.length <= 48 ? subject : `${subject.slice(0, 48).replace(/\s+\S*$/, "")}…`;
}

/** A short title from the subject: its first two significant words, title-cased ("Fox Running"). */
export function titleOf(subject: string): string {
  if (/[\u3400-\u9fff]/.test(subject)) return subject.slice(0, 8);
  const words = subject
    .split(/\s+/)
    .map((word) => word.replace(/[^\p{L}\p{N}'-]/gu, ""))
    .filter((word) => word && !STOP_WORDS.has(word.toLowerCase()) && !/^\d/.test(word));
  const title = words
    .slice(0, 2)
    .map((word) => word[0].toUpperCase() + word.slice(1).toLowerCase())
    .join(" ");
  return title || "Untitled";
}

/** The default shape and length of a generation whose words name none. */
export const DEFAULT_SHAPE: Shape = "16:9";
export const DEFAULT_LENGTH_S = 10;

/**
 * The draft a generation produces: the clip, background music and a title card (and stickers, with `otherTracks`).
 * Its frame is the shape the words ask for (16:9 without), its length the one they ask for snapped to 5, 10 or 15 s
 * (10 without): exactly a sample clip's, so the MP4 an export makes is what the draft says.
 */
export function generationDraft(prompt: string, otherTracks = false): Draft {
  const subject = subjectOf(prompt);
  const title = titleOf(subject);
  const d = snapLength(lengthAsked(prompt) ?? DEFAULT_LENGTH_S) * 1000;
  const { width, height } = SHAPES[shapeAsked(prompt) ?? DEFAULT_SHAPE];
  const stickers = otherTracks ? [{ tt: STICKERS, sg: [{ n: "Sparkles", s: 1000, e: Math.min(4000, d) }] }] : [];
  return {
    t: [
      { tt: VIDEO, sg: [{ n: subject, s: 0, e: d, v: 1 }] },
      { tt: AUDIO, sg: [{ n: BGM_STYLES[pick(prompt, 0, BGM_STYLES.length - 1)], s: 0, e: d, v: BGM_VOLUME }] },
      { tt: TEXT, sg: [{ n: title, s: 0, e: Math.min(TITLE_MS, d) }] },
      ...stickers,
    ],
    d,
    m: { title, width, height },
  };
}

/** True when some track has segments: the draft can be exported. */
export function hasSegments(draft: unknown): boolean {
  if (!draft || typeof draft !== "object") return false;
  const tracks = (draft as { t?: unknown }).t;
  return (
    Array.isArray(tracks) &&
    tracks.some((track) => Array.isArray((track as { sg?: unknown } | null)?.sg) && (track as { sg: unknown[] }).sg.length > 0)
  );
}

/** Segment keys other than the short ones: NemoVideo does not document them. */
const KEYS: Record<"long" | "in-out" | "from-to", Record<keyof Segment, string>> = {
  long: { n: "name", s: "start", e: "end", v: "volume" },
  "in-out": { n: "name", s: "in", e: "out", v: "volume" },
  "from-to": { n: "label", s: "from", e: "to", v: "volume" },
};

/** The draft as the API shows it, with the segment keys `draftKeys` names. */
export function draftOut(draft: Draft, keys: "short" | keyof typeof KEYS): Draft | Record<string, unknown> {
  if (keys === "short") return draft;
  const names = KEYS[keys];
  return {
    ...draft,
    t: draft.t.map((track) => ({
      ...track,
      sg: track.sg.map((segment) =>
        Object.fromEntries(Object.entries(segment).map(([key, value]) => [names[key as keyof Segment], value])),
      ),
    })),
  };
}
