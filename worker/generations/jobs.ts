import type { Turns } from "../chat/turns";
import { AppError, isTransient, notFound, toAppError } from "../errors";
import type { Exports } from "../exports/jobs";
import type { ExportRecord, JobError } from "../exports/schema";
import { isFinalExport } from "../exports/statuses";
import { type PageAsk, pageOf } from "../cursor";
import { newId } from "../ids";
import { completedIn, JobLife } from "../jobs";
import type { Scope } from "../scope";
import type { Sessions } from "../sessions/sessions";
import { isExportReady } from "../sessions/timeline";
import { secretOf, withDownload } from "../signing";
import type { Account } from "../account/account";
import { promptWithChoices } from "./choices";
import { toRecord } from "./record";
import { FAILURES, noProject, stillBusy, tooMany } from "./refusals";
import { type EditRequest, FINAL_GENERATION_STATUSES, type GenerationRecord, type GenerationRequest } from "./schema";
import { GenerationTable, type GenerationRow } from "./table";
import { everyVideo } from "./videos";
import type { Library } from "../videos/library";
import { Webhooks } from "./webhook";

/** Slack after a turn's or an export's own cap before a generation checks on it anyway. */
const SAFETY_MS = 60_000;
const INTERRUPTED_RECHECK_MS = 15_000;
/** A generation that ended before it had a project is kept this long, for its owner to read why. */
const ORPHANS_KEPT_MS = 24 * 3600_000;
/** How often an edit looks again while someone's chat turn runs in its project. */
const BUSY_RECHECK_MS = 5_000;

/**
 * Text in, MP4 out, with nobody watching: each generation is a small state machine in the visitor's Durable
 * Object. queued → (a session is opened, the prompt is sent once) generating → (the turn ends; its timeline is
 * exported) rendering → completed, or failed with a reason, or cancelled. An edit is the same machine in the
 * session of the video it changes. Each step is written before the next begins, so a
 * step run twice or by a fresh instance after a restart carries on instead of repeating work. It hears its turn
 * and its export by watching them (set again when the object starts), and has its own timer in case it doesn't.
 * Its life (the step guard, `status` events, followers, the end that happens once) is `JobLife`'s.
 */
export class Generations {
  private readonly table: GenerationTable;
  private readonly life: JobLife<GenerationRow>;
  private readonly webhooks: Webhooks;

  constructor(
    private readonly scope: Scope,
    private readonly account: Account,
    private readonly sessions: Sessions,
    private readonly turns: Turns,
    private readonly exports: Exports,
  ) {
    this.table = new GenerationTable(scope.sql);
    this.life = new JobLife(scope, {
      name: "generation",
      noun: "That generation",
      find: (id) => this.table.find(id),
      isFinal: (row) => FINAL_GENERATION_STATUSES.includes(row.status),
      moved: (before, now) => now.status !== before.status,
      view: (row) => this.view(row),
      step: (row) => this.step(row),
      giveUp: (row, error) => this.finish(row, "failed", error),
      measured: { as: "generation", took: completedIn },
    });
    this.webhooks = new Webhooks(scope, this.table, (row) => this.view(row));
    for (const row of this.table.unfinished()) {
      if (row.status === "generating" && row.turnId) this.watchTurn(row.id, row.turnId);
      if (row.status === "rendering" && row.exportId) this.watchExport(row.id, row.exportId);
    }
  }

  /** A new generation; `from` is the project of the video an edit changes. */
  async create(
    visitorId: string,
    origin: string,
    request: GenerationRequest,
    from?: { sessionId: string; editOf: string },
  ): Promise<GenerationRecord> {
    const row: GenerationRow = {
      id: newId("gen"),
      visitorId,
      origin,
      prompt: promptWithChoices(request.prompt, request, request.language),
      language: request.language,
      webhookUrl: request.webhookUrl,
      conversationId: request.conversationId,
      ...from,
      status: "queued",
      createdAt: Date.now(),
      webhookAttempts: 0,
    };
    // Each opens a NemoVideo session and spends credits. Nothing awaits before the row takes the place reserved.
    const limit = this.scope.config.GENERATIONS_AT_ONCE;
    const reservation = this.scope.reservations.reserve("generation", (queueing) =>
      this.table.unfinished().length + queueing.length >= limit ? tooMany(limit) : undefined,
    );
    this.table.insert(row);
    reservation.confirm();
    await this.life.at(row.id, Date.now());
    return this.record(row);
  }

  /**
   * A change in plain words to a video made before: a new generation in that video's project, which sends the
   * change there as a message and exports the result. Refused while that project is busy with another generation.
   */
  async edit(visitorId: string, origin: string, sourceId: string, request: EditRequest): Promise<GenerationRecord> {
    const source = this.table.find(sourceId);
    if (!source) throw notFound("That generation");
    const busy = this.table.unfinished().some((row) => row.id === source.id || (source.sessionId && row.sessionId === source.sessionId));
    if (busy) throw stillBusy();
    const session = source.sessionId ? this.sessions.find(source.sessionId) : null;
    if (!session) throw noProject();
    return this.create(visitorId, origin, { ...request, language: source.language }, { sessionId: session.id, editOf: source.id });
  }

  read(id: string): GenerationRecord {
    const row = this.table.find(id);
    if (!row) throw notFound("That generation");
    return this.record(row);
  }

  /** One page of the generations, newest first. */
  list(ask: PageAsk): { generations: GenerationRecord[]; nextCursor: string | null } {
    const { items, nextCursor } = pageOf(this.table.page(ask), ask.limit, (row) => ({ at: row.createdAt, id: row.id }));
    return { generations: items.map((row) => this.record(row)), nextCursor };
  }

  /** A page of every video, newest first: the generations, and the library's videos none of them made. */
  everyVideo(library: Library, ask: PageAsk) {
    return everyVideo(this.table.exportIds(), (more) => this.list(more).generations, library, ask);
  }

  /**
   * Stops a generation on its way: its schedule ends, and a render in progress is cancelled. A prompt already sent
   * to NemoVideo can't be recalled: NemoVideo may still finish that turn in the project, but nothing is exported.
   * One that has ended is answered as it is.
   */
  async cancel(id: string): Promise<GenerationRecord> {
    const row = this.table.find(id);
    if (!row) throw notFound("That generation");
    if (FINAL_GENERATION_STATUSES.includes(row.status)) return this.record(row);
    await this.finish(row, "cancelled");
    if (row.status === "rendering" && row.exportId) await this.exports.cancel(row.exportId);
    return this.record(this.table.find(id)!);
  }

  /** `status` events (the whole generation each time), with the turn's `activity` and `text` as they come. */
  follow(id: string): Promise<ReadableStream<Uint8Array>> {
    return this.life.follow(id);
  }

  /** Forgets the ended generations of sessions that are gone, and those that ended before they had one. */
  sweep(sessionIds: Set<string>, now = Date.now()): void {
    this.table.deleteEndedOutside(sessionIds);
    this.table.deleteEndedWithoutSession(now - ORPHANS_KEPT_MS);
  }

  /** The visitor asked to be forgotten: every generation goes, and none runs on. */
  async forget(): Promise<void> {
    for (const row of this.table.unfinished()) await this.life.drop(row.id);
    for (const row of this.table.list()) if (row.webhookStatus === "pending") await this.webhooks.cancel(row.id);
    this.table.deleteAll();
  }

  /** The alarm's step for one generation. */
  private async step(row: GenerationRow): Promise<void> {
    if (row.status === "queued") return this.begin(row);
    if (row.status === "generating") return this.afterTurn(row);
    return this.afterExport(row);
  }

  /** queued: open a session (once; an edit has its video's), then send the prompt (once). */
  private async begin(row: GenerationRow): Promise<void> {
    let session = row.sessionId ? this.sessions.find(row.sessionId) : null;
    if (!session && row.editOf)
      return this.finish(row, "failed", FAILURES.editExpired);
    if (session && this.turns.busy(session.id))
      return this.life.at(row.id, Date.now() + BUSY_RECHECK_MS * this.scope.config.JOB_TIME_SCALE);
    if (!session) {
      session = await this.sessions.open(row.visitorId, row.language);
      this.table.setSession(row.id, session.id);
      if (this.life.ended(row.id)) return; // cancelled meanwhile: nothing is sent
    }
    const reservation = this.turns.reserve(session.id, { paced: false });
    try {
      try {
        await this.turns.allow();
      } catch (error) {
        if (error instanceof AppError && error.code === "quota_exceeded") return this.finish(row, "failed", FAILURES.quota);
        throw error;
      }
      if (this.life.ended(row.id)) return;
      // Storing the turn's id happens in the same synchronous stretch as starting it: a step run again never re-sends.
      const turn = this.turns.start(row.visitorId, session, row.prompt);
      reservation.confirm();
      this.table.generating(row.id, turn.id);
      this.watchTurn(row.id, turn.id);
    } finally {
      reservation.release();
    }
    await this.life.publish(row.id);
    await this.life.at(row.id, Date.now() + this.scope.config.TURN_CAP_MS + SAFETY_MS);
  }

  /** generating: once the turn has ended, export what it made, or fail in words if it made nothing. */
  private async afterTurn(row: GenerationRow): Promise<void> {
    const { config } = this.scope;
    const turn = row.turnId ? this.turns.find(row.turnId) : undefined;
    if (turn?.status === "running") {
      await this.life.at(row.id, Date.now() + config.TURN_CAP_MS + SAFETY_MS);
      return;
    }
    const session = row.sessionId ? this.sessions.find(row.sessionId) : null;
    if (!turn || !session) {
      return this.finish(row, "failed", FAILURES.expired);
    }
    const { timeline } = await this.account.client(row.visitorId).state(session.upstreamId);
    if (this.life.ended(row.id)) return;
    // A turn cut off on our side (a restart, a dropped connection) may still be finished by NemoVideo: look again
    // now and then until the turn's cap has passed.
    const retryAt = Date.now() + INTERRUPTED_RECHECK_MS * config.JOB_TIME_SCALE;
    if (!isExportReady(timeline) && turn.reason === "interrupted" && retryAt < turn.startedAt + config.TURN_CAP_MS) {
      await this.life.at(row.id, retryAt);
      return;
    }
    if (!isExportReady(timeline)) return this.finish(row, "failed", this.turns.lastError(turn.id) ?? FAILURES.noVideo);
    let record: ExportRecord;
    try {
      record = await this.exports.start(row.visitorId, session.id, { format: "mp4", quality: "high", origin: row.origin });
    } catch (error) {
      const appError = toAppError(error);
      if (isTransient(appError) || appError.code === "internal") throw appError;
      await this.finish(row, "failed", appError.toJSON());
      return;
    }
    // Cancelled while the render was being submitted: that render is cancelled too.
    if (this.life.ended(row.id)) return void (await this.exports.cancel(record.exportId));
    this.table.rendering(row.id, record.exportId);
    this.watchExport(row.id, record.exportId);
    await this.life.publish(row.id);
    await this.life.at(row.id, Date.now() + config.EXPORT_CAP_MS * config.JOB_TIME_SCALE + SAFETY_MS);
  }

  /** rendering: the export has ended (or is checked on in case a notice was lost). */
  private async afterExport(row: GenerationRow): Promise<void> {
    const record = row.exportId ? this.exports.find(row.exportId) : undefined;
    if (!record) {
      return this.finish(row, "failed", FAILURES.exportGone);
    }
    if (record.status === "completed") return this.finish(row, "completed");
    if (record.status === "cancelled") return this.finish(row, "cancelled");
    if (record.status === "failed")
      return this.finish(row, "failed", record.error ?? FAILURES.exportFailed);
    await this.life.at(row.id, Date.now() + SAFETY_MS * this.scope.config.JOB_TIME_SCALE);
  }

  /** The turn's words and work go to the generation's followers; its end moves the generation on at once. */
  private watchTurn(id: string, turnId: string): void {
    this.turns.watch(turnId, (event) => {
      if (event.event === "activity" || event.event === "text") this.life.tell(id, { event: event.event, data: event.data });
      if (event.event === "done") void this.life.at(id, Date.now());
    });
  }

  /** The export's progress shows on the generation; its end moves the generation on at once. */
  private watchExport(id: string, exportId: string): void {
    this.exports.watch(exportId, (event) => {
      if (isFinalExport((event.data as ExportRecord).status)) void this.life.at(id, Date.now());
      else void this.life.publish(id);
    });
  }

  /** Ends the generation, once: a step that ran into a cancel changes nothing. */
  private async finish(row: GenerationRow, status: "completed" | "failed" | "cancelled", error?: JobError): Promise<void> {
    const ended = await this.life.end(row.id, () => this.table.finish(row.id, status, error, Boolean(row.webhookUrl)));
    if (ended && row.webhookUrl) await this.webhooks.queue(row.id);
  }

  /** The generation as the API shows it: with its signed download link, absolute (for a page, an agent, a webhook receiver). */
  private view(row: GenerationRow) {
    const visitorId = (row.sessionId && this.sessions.find(row.sessionId)?.visitorId) || "";
    return withDownload(this.record(row), visitorId, secretOf(this.scope.config), row.origin);
  }

  private record(row: GenerationRow): GenerationRecord {
    const exported = row.exportId ? this.exports.find(row.exportId) : undefined;
    return toRecord(row, row.turnId ? this.turns.find(row.turnId) : undefined, exported, this.scope.usual.of("generation"));
  }
}
