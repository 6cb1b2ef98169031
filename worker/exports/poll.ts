/**
 * When to ask NemoVideo about a render next. Renders take about 30–90 s and report progress as they go, so the
 * first look comes after 20 s, and each answer predicts the finish from the progress made since submission:
 * the next look comes just after that. Progress is reported rounded down, so a reading of 27 means 27 to 28: the
 * prediction uses the middle (27.5), which halves the delay of long renders and costs a third look only when it
 * comes out a little early. With no progress to go on (queued), looks come every 5–30 s.
 * All times are multiplied by `scale` (`JOB_TIME_SCALE`).
 */
export const POLL = {
  firstMs: 20_000,
  marginMs: 750,
  minGapMs: 1_000,
  maxGapMs: 90_000,
  stalledMinMs: 5_000,
  stalledMaxMs: 30_000,
} as const;

export interface Observation {
  /** When the render was submitted, and the progress it reported then. */
  submittedAt: number;
  startProgress: number;
  /** The latest answer: when, and the progress in it. */
  at?: number;
  progress?: number;
}

/** Milliseconds from `observation.at` to the next poll. */
export function nextPollIn(observation: Observation, scale = 1): number {
  const { submittedAt, startProgress, at, progress } = observation;
  if (at === undefined || progress === undefined) return POLL.firstMs * scale;
  const elapsed = Math.max(1, at - submittedAt);
  if (progress <= startProgress) return clamp(elapsed / 2, POLL.stalledMinMs * scale, POLL.stalledMaxMs * scale);
  const likely = Math.min(99.5, progress + 0.5);
  const remaining = ((100 - likely) * elapsed) / (likely - startProgress);
  return clamp(remaining + POLL.marginMs * scale, POLL.minGapMs * scale, POLL.maxGapMs * scale);
}

/** Backoff after a failed poll: 2 s, 4 s, 8 s … up to a minute. */
export const retryIn = (failures: number, scale = 1) => Math.min(60_000, 2_000 * 2 ** Math.max(0, failures - 1)) * scale;

/** Consecutive failed polls after which an export is given up. */
export const MAX_POLL_FAILURES = 8;
/** An export still running after this long fails with a clear reason. */
export const EXPORT_CAP_MS = 20 * 60_000;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
