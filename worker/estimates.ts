import type { Bindings } from "./config";

/** What this deployment times: an export's render (asked → file kept), a generation (asked → video ready). */
export type Measured = "render" | "generation";
/** The usual duration of each, in milliseconds: the median of the deployment's recent ones (none before the first). */
export type Usual = Partial<Record<Measured, number>>;

/** Below this progress the extrapolation is noise (NemoVideo's first answer is a fixed few percent): go by the usual. */
const MOVED_PERCENT = 10;
/** A job past its expected end gets a tenth of the time it has taken so far more, and never less than this. */
const LATE_SHARE = 0.1;
const LATE_MIN_MS = 1000;

/**
 * When a running job should be done (epoch ms), or undefined when nothing is known yet: from its progress once that
 * has moved (10 % or more: the time so far, stretched to 100 %), else from the deployment's usual duration. Never in the past: a
 * job past that time gets "a little more" (a tenth of its time so far, at least a second), so a client that waits
 * until then backs off as the job drags on instead of being told it is done.
 * @example estimate({ startedAt: 0, progress: 50, now: 30_000 }) // 60_000
 * @example estimate({ startedAt: 0, now: 10_000, usualMs: 40_000 }) // 40_000
 */
export function estimate({ startedAt, progress, now, usualMs }: { startedAt: number; progress?: number; now: number; usualMs?: number }): number | undefined {
  const elapsed = Math.max(0, now - startedAt);
  const moved = progress !== undefined && progress >= MOVED_PERCENT && progress < 100;
  const total = moved ? (elapsed * 100) / progress : usualMs;
  if (total === undefined) return undefined;
  const little = Math.max(LATE_MIN_MS, elapsed * LATE_SHARE);
  return now + Math.max(startedAt + total - now, little);
}

/** The field as the API answers it: ISO 8601, or absent. */
export const estimatedCompletion = (at: number | undefined): { estimatedCompletionAt?: string } =>
  at === undefined ? {} : { estimatedCompletionAt: new Date(at).toISOString() };

/** How old the copy of the deployment's figures may get before it is read again (in the background). */
const FRESH_MS = 60_000;

/**
 * The visitor's Durable Object's copy of the deployment's usual durations (worker/measurements/): read at most once
 * a minute, in the background, so that a reader never waits for it; a job that finishes sends its duration there
 * with its own last step, and takes the new figures back.
 * @example const usual = new UsualDurations(env); usual.of("render") // undefined until the first copy has arrived
 */
export class UsualDurations {
  private figures: Usual = {};
  private readAt = 0;
  private reading?: Promise<void>;

  /** The first copy is on its way at once, before the first reader asks (and never waited for). */
  constructor(private readonly env: Bindings) {
    this.refresh();
  }

  /** The usual duration of `kind` as the copy has it; an old copy is read again, not waited for. */
  of(kind: Measured): number | undefined {
    if (Date.now() - this.readAt > FRESH_MS) this.refresh();
    return this.figures[kind];
  }

  /** Starts reading the figures again, unless that is under way. */
  refresh(): void {
    this.reading ??= this.deployment()
      .usual()
      .then((figures) => this.take(figures), () => {})
      .finally(() => (this.reading = undefined));
  }

  /** A job of `kind` that took `ms` (a finished one): counted for the deployment; a failure to count is no failure of the job. */
  async record(kind: Measured, ms: number): Promise<void> {
    if (!(ms > 0)) return;
    await this.deployment()
      .record(kind, ms)
      .then((figures) => this.take(figures), (error) => console.error("a duration could not be counted", kind, String(error)));
  }

  private take(figures: Usual): void {
    this.figures = figures;
    this.readAt = Date.now();
  }

  private deployment() {
    return this.env.MEASUREMENTS.get(this.env.MEASUREMENTS.idFromName("deployment"));
  }
}
