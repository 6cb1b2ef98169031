import { type Language, languageOf } from "../language";
import type { Timeline, Track } from "../nemo/shapes";

const NAMES: Record<Language, Record<Track["kind"], string>> = {
  en: { video: "Video", audio: "BGM", text: "Title", other: "Track" },
  zh: { video: "视频", audio: "背景音乐", text: "标题", other: "轨道" },
};

/** A draft is ready to export when some track has a segment. */
export const isExportReady = (timeline: Timeline) => timeline.tracks.length > 0;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10}`.replace(/\.0$/, "");
const percent = (volume: number) => `${Math.round(volume * 100)}%`;

function describeTrack(track: Track, language: Language): string {
  const name = NAMES[language][track.kind];
  const label = track.kind === "text" && track.label ? `"${track.label}"` : track.label;
  const details = [`${seconds(track.startMs)}-${seconds(track.endMs)}s`];
  if (track.kind === "audio" && track.volume !== undefined) details.push(percent(track.volume));
  return language === "zh" ? `${name}：${label || "—"}（${details.join("，")}）` : `${name}: ${label || "—"} (${details.join(", ")})`;
}

/**
 * One line a person can read, in the session's language.
 * @example summarize(t) // 'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)'
 */
export function summarize(timeline: Timeline, language?: string): string {
  const lang = languageOf(language);
  if (timeline.tracks.length === 0)
    return lang === "zh" ? "时间线还是空的：描述你想要的视频即可开始。" : "The timeline is empty: describe a video to start.";
  const items = timeline.tracks.map((track, index) => `${index + 1}. ${describeTrack(track, lang)}`).join(" ");
  return lang === "zh"
    ? `时间线（${timeline.tracks.length} 条轨道）：${items}`
    : `Timeline (${timeline.tracks.length} track${timeline.tracks.length === 1 ? "" : "s"}): ${items}`;
}

const CHANGE_PHRASES = {
  en: {
    added: (name: string, label: string) => `Added ${name}: ${label}`,
    removed: (name: string, label: string) => `Removed ${name}: ${label}`,
    relabelled: (name: string, label: string) => `${name} is now ${label}`,
    timing: (name: string, from: string, to: string) => `${name} timing ${from} → ${to}`,
    volume: (name: string, from: string, to: string) => `${name} volume ${from} → ${to}`,
  },
  zh: {
    added: (name: string, label: string) => `新增${name}：${label}`,
    removed: (name: string, label: string) => `移除了${name}：${label}`,
    relabelled: (name: string, label: string) => `${name}改为：${label}`,
    timing: (name: string, from: string, to: string) => `${name}时间 ${from} → ${to}`,
    volume: (name: string, from: string, to: string) => `${name}音量 ${from} → ${to}`,
  },
};

/** Tracks keyed by kind and place among their kind ("audio:0"), so removing one track doesn't shift the others. */
function byKindAndPlace(timeline: Timeline): Map<string, Track> {
  const seen: Record<string, number> = {};
  return new Map(timeline.tracks.map((track) => [`${track.kind}:${(seen[track.kind] = (seen[track.kind] ?? -1) + 1)}`, track]));
}

/** What changed between two timelines, as short sentences (empty when nothing did). */
export function describeChanges(before: Timeline, after: Timeline, language?: string): string[] {
  const lang = languageOf(language);
  const say = CHANGE_PHRASES[lang];
  const span = (track: Track) => `${seconds(track.startMs)}-${seconds(track.endMs)}s`;
  const label = (track: Track) => track.label || "—";
  const old = byKindAndPlace(before);
  const now = byKindAndPlace(after);
  const changes: string[] = [];
  for (const [key, track] of now) {
    const name = NAMES[lang][track.kind];
    const previous = old.get(key);
    if (!previous) {
      changes.push(say.added(name, label(track)));
      continue;
    }
    if (previous.label !== track.label) changes.push(say.relabelled(name, label(track)));
    if (span(previous) !== span(track)) changes.push(say.timing(name, span(previous), span(track)));
    if (track.volume !== undefined && previous.volume !== track.volume)
      changes.push(say.volume(name, previous.volume === undefined ? "—" : percent(previous.volume), percent(track.volume)));
  }
  for (const [key, track] of old) if (!now.has(key)) changes.push(say.removed(NAMES[lang][track.kind], label(track)));
  return changes;
}
