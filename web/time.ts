import { useEffect, useState } from "preact/hooks";
import { recall, remember } from "./saved";
import type { Reading } from "./state";

/**
 * Milliseconds as a clock, minutes and seconds.
 * @example clock(72_000) // "1:12"
 */
export function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * The time left, from how fast the progress moved between the first reading the page saw and the latest one; undefined
 * until it has moved (the upstream's first answer is a fixed 5 %, which says nothing about speed).
 * @example timeLeft({ progress: 10, at: 0 }, { progress: 40, at: 30_000 }) // 70_000
 */
export function timeLeft(first: Reading, latest: Reading): number | undefined {
  const moved = latest.progress - first.progress;
  if (moved <= 0 || latest.at <= first.at) return undefined;
  return ((100 - latest.progress) * (latest.at - first.at)) / moved;
}

/** The time now, again every second while `running`, so that elapsed times move on screen. */
export function useNow(running: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return running ? Math.max(now, Date.now()) : now;
}

/** How many past durations of each kind are kept: the usual one is their median. */
const KEPT = 5;

/**
 * How long a step took this time (making a video, exporting one), kept in this browser: the page's time estimates
 * come only from what this deployment took for this visitor, never from a fixed range.
 */
export function measured(kind: "making" | "export", ms: number): void {
  if (!(ms > 0)) return;
  remember(kind, JSON.stringify([ms, ...usualList(kind)].slice(0, KEPT)));
}

const usualList = (kind: string): number[] => {
  try {
    return JSON.parse(recall(kind) ?? "[]");
  } catch {
    return [];
  }
};

/** The usual duration of a step in whole minutes (at least 1), from past measurements; undefined before any. */
export function usualMinutes(kind: "making" | "export"): number | undefined {
  const past = usualList(kind).sort((a, b) => a - b);
  return past.length ? Math.max(1, Math.round(past[past.length >> 1] / 60_000)) : undefined;
}
