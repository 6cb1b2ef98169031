/**
 * When to ask NemoVideo about a render next. Renders take about 30–90 s and their progress may have any shape (a
 * straight line, a slow start and a fast finish, a plateau at 95 %, steps, stuck, or no progress field at all), so
 * progress is never trusted to make a wait longer. The first look comes after 7 s, then one every 10 s at most,
 * and from 85 s on every 15 s: so the k-th look never comes before the k-th of NemoVideo's own client (2 s, then
 * each wait ×1.5 up to 15 s; its early looks are the ones spared here), and a finished render is never seen more
 * than 10 s late, or 15 s past 85 s. Progress can only bring a look forward: when it moved since the last look,
 * the rate since then predicts the finish, and the next look comes 1 s after it (not sooner than 3 s after this
 * one). Progress is reported rounded down, so a reading of 27 is taken as 27.5.
 * All times are multiplied by `scale` (`JOB_TIME_SCALE`).
 */
export const POLL = {
  firstMs: 7_000,
  everyMs: 10_000,
  lateAfterMs: 85_000,
  lateEveryMs: 15_000,
  soonestMs: 3_000,
  marginMs: 1_000,
} as const;

/** A look at a render: when, and the progress NemoVideo reported (0 when it reports none). */
export interface Look {
  at: number;
  progress: number;
}

/**
 * Milliseconds from the latest look to the next: `previous` is the look before it (or the submission's answer),
 * `startedAt` when the export began. The first look comes `POLL.firstMs` after the submission.
 */
export function nextPollIn(render: { startedAt: number; previous: Look; latest: Look }, scale = 1): number {
  const { startedAt, previous, latest } = render;
  const longest = (latest.at - startedAt < POLL.lateAfterMs * scale ? POLL.everyMs : POLL.lateEveryMs) * scale;
  if (latest.progress <= previous.progress || latest.at <= previous.at) return longest;
  const rate = (latest.progress - previous.progress) / (latest.at - previous.at);
  const remaining = (100 - Math.min(99.5, latest.progress + 0.5)) / rate;
  return Math.min(longest, Math.max(POLL.soonestMs * scale, remaining + POLL.marginMs * scale));
}

/** Backoff after a failed poll: 2 s, 4 s, 8 s … up to a minute. */
export const retryIn = (failures: number, scale = 1) => Math.min(60_000, 2_000 * 2 ** Math.max(0, failures - 1)) * scale;

/** Consecutive failed polls after which an export is given up. */
export const MAX_POLL_FAILURES = 8;
