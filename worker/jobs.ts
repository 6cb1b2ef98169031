import { type ErrorJson, notFound, toAppError } from "./errors";
import type { Measured } from "./estimates";
import type { Scope } from "./scope";
import { replayed, type StreamEvent } from "./sse";

/** What a kind of job (an export, a generation) tells the lifecycle about its rows; its states and steps stay its own. */
export interface JobKind<Row> {
  /** Its schedule step and live topic: each job's row and topic are `<name>:<id>`. */
  name: string;
  /** "That export": what a 404 calls it. */
  noun: string;
  /** The job as stored now (every step reads it first). */
  find(id: string): Row | undefined;
  isFinal(row: Row): boolean;
  /** Whether what its followers see changed between two reads. */
  moved(before: Row, now: Row): boolean;
  /** The job as its followers see it: the data of its `status` events. */
  view(row: Row): Promise<unknown>;
  /** The alarm's step for a job that has not ended: it reschedules itself (`at`) or ends the job. */
  step(row: Row): Promise<void>;
  /** The step kept throwing (`MAX_STEP_ATTEMPTS`): end the job with the reason instead of retrying forever. */
  giveUp(row: Row, error: ErrorJson): Promise<void>;
  /** What the deployment times this kind as, and how long an ended job took (undefined unless it completed). */
  measured?: { as: Measured; took(row: Row): number | undefined };
}

/** How long a job took, from asked to done: only one that completed counts (the `took` of most kinds). */
export const completedIn = <Row extends { status: string; createdAt: number; completedAt?: number }>(row: Row): number | undefined =>
  row.status === "completed" && row.completedAt ? row.completedAt - row.createdAt : undefined;

/**
 * The life every job of the visitor's Durable Object shares: a row of the schedule that runs its step (only while
 * it has not ended; given up after repeated failures), `status` events on its topic, followers who get the job now
 * and then each change (read again after the await, since it may move meanwhile), and an end that happens once.
 * A step that awaited NemoVideo asks `ended` before it goes on: a cancel may have landed.
 * @example this.life = new JobLife(scope, { name: "export", noun: "That export", find: (id) => table.find(id), … });
 */
export class JobLife<Row> {
  constructor(
    private readonly scope: Scope,
    private readonly kind: JobKind<Row>,
  ) {
    scope.schedule.define(kind.name, {
      run: async (id) => {
        const row = kind.find(id);
        if (!row || kind.isFinal(row)) return scope.schedule.cancel(this.key(id));
        return kind.step(row);
      },
      giveUp: async (id, error) => {
        const row = kind.find(id);
        if (row && !kind.isFinal(row)) await kind.giveUp(row, toAppError(error).toJSON());
      },
    });
  }

  /** The job's schedule row and live topic. */
  key(id: string): string {
    return `${this.kind.name}:${id}`;
  }

  /** Whether the job has ended (or is gone). */
  ended(id: string): boolean {
    const row = this.kind.find(id);
    return !row || this.kind.isFinal(row);
  }

  /** Runs the job's step at `dueAt` (epoch ms), replacing any time set before. */
  at(id: string, dueAt: number): Promise<void> {
    return this.scope.schedule.at(this.key(id), dueAt);
  }

  /** Sends the job as it now stands to its followers; answers that row. */
  async publish(id: string): Promise<Row | undefined> {
    const row = this.kind.find(id);
    if (row) this.scope.live.publish(this.key(id), { event: "status", data: await this.kind.view(row) });
    return row;
  }

  /** Any other event for the job's followers (a generation passes its turn's words on). */
  tell(id: string, event: StreamEvent): void {
    this.scope.live.publish(this.key(id), event);
  }

  /** A stream of `status` events: the job now, then each change, closed once it has ended. 404 when there is none. */
  async follow(id: string): Promise<ReadableStream<Uint8Array>> {
    const row = this.kind.find(id);
    if (!row) throw notFound(this.kind.noun);
    const now: StreamEvent = { event: "status", data: await this.kind.view(row) };
    if (this.kind.moved(row, this.kind.find(id)!)) return this.follow(id);
    return this.kind.isFinal(row) ? replayed([now]) : this.scope.live.follow(this.key(id), [now]);
  }

  /** Calls `watcher` with every event of the job until it ends. */
  watch(id: string, watcher: (event: StreamEvent) => void): void {
    this.scope.live.watch(this.key(id), watcher);
  }

  /**
   * Ends the job once: `write` stores its end, its timer goes, its followers hear it and are let go, and a job that
   * completed counts for the deployment's usual duration (worker/estimates.ts), with this last step of its own.
   * False (and nothing written) when it had ended already: a step that ran into a cancel, or a cancel into a step's end.
   */
  async end(id: string, write: () => void): Promise<boolean> {
    if (this.ended(id)) return false;
    write();
    await this.scope.schedule.cancel(this.key(id));
    const row = await this.publish(id);
    this.scope.live.end(this.key(id));
    const took = row && this.kind.measured?.took(row);
    if (took !== undefined) await this.scope.usual.record(this.kind.measured!.as, took);
    return true;
  }

  /** The job is being forgotten: no timer, no followers. */
  async drop(id: string): Promise<void> {
    await this.scope.schedule.cancel(this.key(id));
    this.scope.live.end(this.key(id));
  }
}
