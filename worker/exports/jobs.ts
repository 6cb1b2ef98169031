import { AppError, isTransient, notFound, toAppError } from "../errors";
import { estimate, estimatedCompletion } from "../estimates";
import { type PageAsk, pageOf } from "../cursor";
import { newId } from "../ids";
import { completedIn, JobLife } from "../jobs";
import type { NemoClient } from "../nemo/client";
import type { RenderJob } from "../nemo/shapes";
import type { Reservation } from "../reservations";
import type { Scope } from "../scope";
import type { SessionRecord } from "../sessions/schema";
import type { Sessions } from "../sessions/sessions";
import { isExportReady } from "../sessions/timeline";
import { secretOf, withDownload } from "../signing";
import type { StreamEvent } from "../sse";
import type { Account } from "../account/account";
import { fileKey, KeptFiles, keepFile } from "./file";
import { MAX_POLL_FAILURES, nextPollIn, POLL, retryIn } from "./poll";
import { gone, tookTooLong, tooManyExports } from "./refusals";
import type { ExportRecord, JobError } from "./schema";
import { type ExportStatus, isFinalExport } from "./statuses";
import { ExportTable, type ExportRow, toRecord } from "./table";

/** What to render, and the API's address to give its links from (the one it was asked at). */
type Output = { format: string; quality: string; origin: string };

/**
 * A visitor's exports, driven by its Durable Object's alarm: submitted once, then polled on a schedule that
 * progress can only hasten (`poll.ts`), retried when NemoVideo stumbles, resubmitted once under a new id when a
 * render fails, and given up with a reason after `EXPORT_CAP_MS` (configuration). Its life (the step guard, the
 * `status` events on `export:<id>` that followers hear and a generation `watch`es, the end that happens once) is
 * `JobLife`'s; every step reads its job from storage first, so a step run twice, or by a fresh instance after a
 * restart, simply carries on.
 */
export class Exports {
  private readonly table: ExportTable;
  private readonly life: JobLife<ExportRow>;
  /** The finished files, for the download route and the videos library. */
  readonly files: KeptFiles;
  /** Exports being submitted, by session: a second click meanwhile waits for the first instead of racing it. */
  private readonly starting = new Map<string, Promise<ExportRecord>>();

  constructor(
    private readonly scope: Scope,
    private readonly sessions: Sessions,
    private readonly account: Account,
  ) {
    this.table = new ExportTable(scope.sql);
    this.files = new KeptFiles(this.table, scope.env.VIDEOS);
    this.life = new JobLife(scope, {
      name: "export",
      noun: "That export",
      find: (id) => this.table.find(id),
      isFinal: (row) => isFinalExport(row.status),
      moved: (before, now) => now.status !== before.status || now.progress !== before.progress,
      view: (row) => this.view(row),
      step: (row) => this.step(row),
      giveUp: async (row, error) => void (await this.end(row, { status: "failed", error })),
      measured: { as: "render", took: completedIn },
    });
  }

  private get scale() {
    return this.scope.config.JOB_TIME_SCALE;
  }

  /**
   * Starts an export of the session's timeline as it stands, or answers the one already running in it: a second
   * click on Export never starts a second render.
   */
  async start(visitorId: string, sessionId: string, output: Output): Promise<ExportRecord> {
    const session = this.sessions.read(sessionId);
    const running = this.table.runningIn(sessionId);
    if (running) return this.shown(running);
    let starting = this.starting.get(sessionId);
    if (!starting) {
      const limit = this.scope.config.EXPORTS_AT_ONCE;
      const reservation = this.scope.reservations.reserve("export", (submitting) =>
        this.table.runningCount() + submitting.length >= limit ? tooManyExports(limit) : undefined,
      );
      starting = this.submitNew(visitorId, session, output, reservation).finally(() => {
        reservation.release();
        this.starting.delete(sessionId);
      });
      this.starting.set(sessionId, starting);
    }
    return starting;
  }

  find(id: string): ExportRecord | undefined {
    const row = this.table.find(id);
    return row && this.shown(row);
  }

  /** The export, or 404. */
  read(id: string): ExportRecord {
    const record = this.find(id);
    if (!record) throw notFound("That export");
    return record;
  }

  /** One page of the exports of the visitor's sessions, newest first. */
  list(ask: PageAsk): { exports: ExportRecord[]; nextCursor: string | null } {
    const { items, nextCursor } = pageOf(this.table.pageIn(this.sessions.known(), ask), ask.limit, (row) => ({ at: row.createdAt, id: row.exportId }));
    return { exports: items.map((row) => this.shown(row)), nextCursor };
  }

  /** A stream of `status` events: the export now, then each change, closed after a final status. */
  follow(id: string): Promise<ReadableStream<Uint8Array>> {
    return this.life.follow(id);
  }

  /** Calls `watcher` with every `status` event of an export until it ends. */
  watch(id: string, watcher: (event: StreamEvent) => void): void {
    this.life.watch(id, watcher);
  }

  async cancel(id: string): Promise<ExportRecord> {
    const row = this.table.find(id);
    if (!row) throw notFound("That export");
    if (isFinalExport(row.status)) return this.shown(row);
    const record = await this.end(row, { status: "cancelled" });
    const visitorId = this.sessions.owner(row.sessionId);
    if (record.status === "cancelled" && visitorId)
      await this.account.client(visitorId).cancelRender(this.table.find(id)!.renderId).catch(() => {});
    return record;
  }

  /** Forgets the ended exports of sessions that are gone. */
  sweep(sessionIds: Set<string>): void {
    this.table.deleteEndedOutside(sessionIds);
  }

  /** The visitor asked to be forgotten: renders still running are stopped, and every export goes, kept files too. */
  async forget(visitorId: string): Promise<void> {
    const nemo = this.account.client(visitorId);
    for (const renderId of this.table.runningRenders()) await nemo.cancelRender(renderId).catch(() => {});
    for (const row of this.table.list()) {
      await this.life.drop(row.exportId);
      if (row.fileKey) await this.files.drop(row.exportId);
    }
    this.table.deleteAll();
  }

  private async submitNew(visitorId: string, session: SessionRecord, output: Output, reservation: Reservation) {
    const nemo = this.account.client(visitorId);
    const { draft, timeline, title, width, height } = await nemo.state(session.upstreamId);
    if (!isExportReady(timeline))
      throw new AppError(
        "export_not_ready",
        "There is nothing to export yet. Describe the video you want first; once the timeline has a clip, export it.",
      );
    const createdAt = Date.now();
    const { renderId, job } = await nemo.startRender({ sessionId: session.upstreamId, draft, ...output });
    const answeredAt = Date.now();
    const row: ExportRow = {
      exportId: newId("exp"),
      sessionId: session.id,
      status: job.status,
      progress: job.progress,
      createdAt,
      renderId,
      format: output.format,
      quality: output.quality,
      origin: output.origin,
      submissions: 1,
      failures: 0,
      lookedAt: answeredAt,
      title: title ?? timeline.tracks.find((track) => track.kind === "video" && track.label)?.label,
      durationS: timeline.durationMs ? timeline.durationMs / 1000 : undefined,
      width,
      height,
    };
    this.table.insert(row);
    reservation.confirm();
    await this.life.at(row.exportId, answeredAt + POLL.firstMs * this.scale);
    return this.shown(row);
  }

  /** The alarm's step for one export: ask NemoVideo how the render is doing, and act on the answer. */
  private async step(row: ExportRow): Promise<void> {
    const id = row.exportId;
    const visitorId = this.sessions.owner(row.sessionId);
    if (!visitorId) {
      await this.end(row, { status: "failed", error: gone() });
      return;
    }
    const nemo = this.account.client(visitorId);
    const { EXPORT_CAP_MS } = this.scope.config;
    if (Date.now() - row.createdAt > EXPORT_CAP_MS * this.scale) {
      await nemo.cancelRender(row.renderId).catch(() => {});
      await this.end(row, { status: "failed", error: tookTooLong(EXPORT_CAP_MS) });
      return;
    }
    let job: RenderJob;
    try {
      job = await nemo.render(row.renderId);
    } catch (error) {
      return this.pollFailed(row, toAppError(error));
    }
    // A cancel may have landed while NemoVideo answered: it wins.
    if (this.life.ended(id)) return;
    const observedAt = Date.now();
    this.table.setFailures(id, 0);
    if (job.status === "completed") {
      // Completed once the file is ours: NemoVideo's link is not ours to keep. A copy that fails is tried again.
      const kept = fileKey(visitorId, id);
      if (await keepFile(this.scope.env.VIDEOS, kept, () => nemo.renderFile(row.renderId, job.url))) this.table.kept(id, kept, job.durationS);
      else console.error("a finished video could not be kept (NemoVideo gave no length): its own link stands", id);
      await this.end(row, { status: "completed", progress: 100, url: job.url });
      return;
    }
    if (job.status === "failed") return this.renderFailed(row, nemo, job);
    const progress = Math.max(row.progress, job.progress);
    this.table.setProgress(id, job.status, progress, observedAt);
    if (job.status !== row.status || progress !== row.progress) await this.life.publish(id);
    const looks = { startedAt: row.createdAt, previous: { at: row.lookedAt, progress: row.progress } };
    const next = nextPollIn({ ...looks, latest: { at: observedAt, progress: job.progress } }, this.scale);
    await this.life.at(id, observedAt + next);
  }

  private async pollFailed(row: ExportRow, error: AppError): Promise<void> {
    // An answer we could not read may be a passing hiccup too, for a poll.
    const transient = isTransient(error) || error.code === "upstream_error";
    const failures = row.failures + 1;
    if (!transient || failures >= MAX_POLL_FAILURES) {
      await this.end(row, {
        status: "failed",
        error: transient
          ? {
              code: "upstream_unavailable",
              message: "NemoVideo stopped answering about this export, so we gave up on it. Please export again.",
            }
          : error.toJSON(),
      });
      return;
    }
    this.table.setFailures(row.exportId, failures);
    await this.life.at(row.exportId, Date.now() + retryIn(failures, this.scale));
  }

  /** A render that failed upstream is tried once more under a new id; a second failure ends the export. */
  private async renderFailed(row: ExportRow, nemo: NemoClient, job: RenderJob): Promise<void> {
    const session = this.sessions.find(row.sessionId);
    if (row.submissions >= 2 || !session) {
      await this.end(row, {
        status: "failed",
        progress: job.progress,
        error: {
          code: "upstream_error",
          message: "NemoVideo could not render this video, twice. Try changing something in the timeline, then export again.",
        },
      });
      return;
    }
    const { draft } = await nemo.state(session.upstreamId);
    if (this.life.ended(row.exportId)) return;
    const { renderId, job: resubmitted } = await nemo.startRender({ sessionId: session.upstreamId, draft, format: row.format, quality: row.quality });
    const submittedAt = Date.now();
    if (this.life.ended(row.exportId)) {
      await nemo.cancelRender(renderId).catch(() => {});
      return;
    }
    this.table.resubmitted(row.exportId, renderId, resubmitted.status, resubmitted.progress, submittedAt);
    await this.life.publish(row.exportId);
    await this.life.at(row.exportId, submittedAt + POLL.firstMs * this.scale);
  }

  private async end(
    row: ExportRow,
    change: { status: ExportStatus; progress?: number; url?: string; error?: JobError },
  ): Promise<ExportRecord> {
    // Ended meanwhile (a cancel during a poll, or a poll's answer during a cancel): the first end stands.
    await this.life.end(row.exportId, () => this.table.end(row.exportId, { ...change, progress: change.progress ?? row.progress }, Date.now()));
    return this.find(row.exportId)!;
  }

  /** An export as the API speaks of it: while it runs, with when it should be done (none before anything is known). */
  private shown(row: ExportRow): ExportRecord {
    if (isFinalExport(row.status)) return toRecord(row);
    const usualMs = this.scope.usual.of("render");
    return { ...toRecord(row), ...estimatedCompletion(estimate({ startedAt: row.createdAt, progress: row.progress, now: Date.now(), usualMs })) };
  }

  /** An export as its followers see it: with its signed download link once completed. */
  private view(row: ExportRow) {
    return withDownload(this.shown(row), this.sessions.owner(row.sessionId) ?? "", secretOf(this.scope.config), row.origin ?? "");
  }
}
