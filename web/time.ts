import { useEffect, useState } from "preact/hooks";

/**
 * Milliseconds as a clock, minutes and seconds.
 * @example clock(72_000) // "1:12"
 */
export function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * Whole minutes from `now` until `at` (the API's `estimatedCompletionAt`): 0 when under a minute is left.
 * @example minutesLeft("2026-12-07T14:03:30.000Z", Date.parse("2026-12-07T14:00:00.000Z")) // 4
 */
export function minutesLeft(at: string, now: number): number {
  const ms = Date.parse(at) - now;
  return ms < 60_000 ? 0 : Math.round(ms / 60_000);
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
