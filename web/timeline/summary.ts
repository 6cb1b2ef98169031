import type { Track } from "../../worker/nemo/shapes";
import type { Messages } from "../i18n/en";

export type { Track };

/** Milliseconds as seconds, one decimal at most: 3000 → "3", 2500 → "2.5". */
export const seconds = (ms: number) => `${Math.round(ms / 100) / 10}`;

/** A track's time span, as the seed writes it: "0–10s". */
export const span = (track: Track) => `${seconds(track.startMs)}–${seconds(track.endMs)}s`;

/** A 0–1 volume as a percentage, or undefined when the track has none. */
export const volumeOf = (track: Track) => (track.volume === undefined ? undefined : `${Math.round(track.volume * 100)}%`);

/**
 * One line per track for the timeline panel, in the page's language.
 * @example trackLine(en, { kind: "audio", label: "Lo-fi", startMs: 0, endMs: 10000, volume: 0.35 }) // 'BGM: Lo-fi (0–10s, 35%)'
 */
export function trackLine(words: Messages, track: Track): string {
  const name = words.kinds[track.kind];
  const label = track.kind === "text" && track.label ? `“${track.label}”` : track.label || "—";
  const details = [span(track), volumeOf(track)].filter(Boolean);
  return words.trackLine(name, label, details as string[]);
}

/** The panel's heading line: "Timeline (3 tracks, 10s)". */
export function timelineHeading(words: Messages, tracks: Track[], durationMs: number): string {
  if (tracks.length === 0) return words.timelineEmpty;
  return words.timelineHeading(words.tracks(tracks.length), `${seconds(durationMs)}s`);
}
