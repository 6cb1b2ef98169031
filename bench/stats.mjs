/** Small numeric helpers shared by the benchmarks. Times are in ms, sizes in bytes unless a name says otherwise. */

/** Epoch milliseconds with sub-millisecond precision, comparable with the Workers' `Date.now()`. */
export const now = () => performance.timeOrigin + performance.now();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value at quantile `q` (0–1), nearest rank: with 20 samples, p95 is the 19th smallest. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Median, p95, min and max of a list of numbers, rounded to 0.1. */
export function summary(values) {
  const round = (value) => Math.round(value * 10) / 10;
  return {
    median: round(quantile(values, 0.5)),
    p95: round(quantile(values, 0.95)),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
  };
}

/** One million bytes: sizes and memory are both given in MB of 10^6 bytes (/proc's "kB" are KiB). */
export const MB = 1e6;

/** a / b rounded to 0.01, or null when b is not positive. */
export const ratio = (a, b) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
