import type { Config } from "../config";
import { AppError, notFound, toAppError } from "../errors";
import type { NemoClient } from "../nemo/client";
import type { RenderJob } from "../nemo/schemas";
import { isExportReady } from "../sessions/timeline";
import { LiveChannel } from "../visitor/live";
import type { SessionRecord } from "../visitor/records";
import type { Schedule } from "../visitor/schedule";
import { EXPORT_CAP_MS, MAX_POLL_FAILURES, nextPollIn, retryIn } from "./poll";
import { type ExportRecord, type ExportStatus, FINAL_EXPORT_STATUSES, type JobError } from "./schema";

export const EXPORT_TABLES = `
  CREATE TABLE IF NOT EXISTS exports (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, render_id TEXT NOT NULL,
    status TEXT NOT NULL, progress INTEGER NOT NULL, url TEXT, error TEXT, format TEXT NOT NULL,
    quality TEXT NOT NULL, submissions INTEGER NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL, submitted_at INTEGER NOT NULL, start_progress INTEGER NOT NULL,
    completed_at INTEGER);
  CREATE INDEX IF NOT EXISTS exports_by_session ON exports (session_id, created_at);
`;

/** What exports need from the Durable Object that drives them. */
export interface ExportHost {
  readonly config: Config;
  readonly schedule: Schedule;
  client(visitorId: string): NemoClient;
  sessionNow(id: string): SessionRecord | null;
  /** An export as listeners see it (with its signed download link once completed). */
  exportView(record: ExportRecord): Promise<ExportRecord & { downloadUrl?: string }>;
  /** Told of every change of an export (its progress, and its final status last). */
  exportChanged(record: ExportRecord): Promise<void>;
}

interface ExportRow extends ExportRecord {
  renderId: string;
  format: string;
  quality: string;
  submissions: number;
  failures: number;
  submittedAt: number;
  startProgress: number;
}

const scheduleKey = (id: string) => `export:${id}`;

/**
 * A visitor's exports, driven by its Durable Object's alarm: submitted once, then polled on a schedule that
 * follows the render's progress, retried when NemoVideo stumbles, resubmitted once under a new id when a render
 * fails, and given up with a reason after `EXPORT_CAP_MS`. Every step reads its job from storage first, so a
 * step run twice, or run by a fresh instance after a restart, simply carries on.
 */
export class ExportJobs {
  private readonly channels = new Map<string, LiveChannel>();
  /** Exports being submitted, by session: a second click meanwhile waits for the first instead of racing it. */
  private readonly starting = new Map<string, Promise<ExportRecord>>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly host: ExportHost,
  ) {}

  private get scale() {
    return this.host.config.JOB_TIME_SCALE;
  }

  /**
   * Starts an export of the session's timeline as it stands, or answers the one already running in it: a second
   * click on Export never starts a second render.
   */
  async start(visitorId: string, sessionId: string, output: { format: string; quality: string }): Promise<ExportRecord> {
    const session = this.host.sessionNow(sessionId);
    if (!session) throw notFound("That session");
    const running = this.runningIn(sessionId);
    if (running) return running;
    let starting = this.starting.get(sessionId);
    if (!starting) {
      starting = this.submitNew(visitorId, session, output).finally(() => this.starting.delete(sessionId));
      this.starting.set(sessionId, starting);
    }
    return starting;
  }

  private async submitNew(visitorId: string, session: SessionRecord, output: { format: string; quality: string }) {
    const sessionId = session.id;
    const nemo = this.host.client(visitorId);
    const { draft, timeline } = await nemo.state(session.upstreamId);
    if (!isExportReady(timeline))
      throw new AppError(
        "export_not_ready",
        "There is nothing to export yet. Describe the video you want first; once the timeline has a clip, export it.",
      );
    const now = Date.now();
    const submittedAt = now;
    const { renderId, job } = await nemo.startRender({ sessionId: session.upstreamId, draft, ...output });
    const row: ExportRow = {
      exportId: `exp_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`,
      sessionId,
      status: job.status,
      progress: job.progress,
      createdAt: now,
      renderId,
      format: output.format,
      quality: output.quality,
      submissions: 1,
      failures: 0,
      submittedAt,
      startProgress: job.progress,
    };
    this.sql.exec(
      `INSERT INTO exports (id, session_id, render_id, status, progress, format, quality, submissions, created_at,
        submitted_at, start_progress) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
      row.exportId,
      sessionId,
      renderId,
      row.status,
      row.progress,
      row.format,
      row.quality,
      row.createdAt,
      submittedAt,
      row.startProgress,
    );
    await this.host.schedule.at(scheduleKey(row.exportId), now + nextPollIn(row, this.scale));
    return toRecord(row);
  }

  find(id: string): ExportRecord | undefined {
    const row = this.row(id);
    return row && toRecord(row);
  }

  /** Where the finished file is: for the download route. */
  file(id: string): { renderId: string; url?: string } | undefined {
    const row = this.row(id);
    if (!row || row.status !== "completed") return undefined;
    return { renderId: row.renderId, url: row.url };
  }

  list(): ExportRecord[] {
    return this.sql
      .exec("SELECT * FROM exports WHERE session_id IN (SELECT id FROM sessions) ORDER BY created_at DESC")
      .toArray()
      .map((row) => toRecord(toRow(row)));
  }

  /** A stream of `status` events: the export now, then each change, closed after a final status. */
  async follow(id: string): Promise<ReadableStream<Uint8Array> | undefined> {
    const row = this.row(id);
    if (!row) return undefined;
    const now = { event: "status", data: await this.host.exportView(toRecord(row)) };
    // Read again after the await: the export may have moved on meanwhile.
    const current = this.row(id)!;
    if (current.status !== row.status || current.progress !== row.progress) return this.follow(id);
    if (FINAL_EXPORT_STATUSES.includes(row.status)) return new LiveChannel(0).open([now], true);
    return this.channel(id).open([now]);
  }

  async cancel(id: string): Promise<ExportRecord> {
    const row = this.row(id);
    if (!row) throw notFound("That export");
    if (FINAL_EXPORT_STATUSES.includes(row.status)) return toRecord(row);
    const record = await this.end(row, { status: "cancelled" });
    const visitorId = this.visitorOf(row.sessionId);
    if (record.status === "cancelled" && visitorId)
      await this.host.client(visitorId).cancelRender(this.row(id)!.renderId).catch(() => {});
    return record;
  }

  /** The alarm's step for one export: ask NemoVideo how the render is doing, and act on the answer. */
  async step(id: string): Promise<void> {
    const row = this.row(id);
    if (!row || FINAL_EXPORT_STATUSES.includes(row.status)) return this.host.schedule.cancel(scheduleKey(id));
    const visitorId = this.visitorOf(row.sessionId);
    if (!visitorId) {
      await this.end(row, { status: "failed", error: gone() });
      return;
    }
    const nemo = this.host.client(visitorId);
    const now = Date.now();
    if (now - row.createdAt > EXPORT_CAP_MS * this.scale) {
      await nemo.cancelRender(row.renderId).catch(() => {});
      await this.end(row, { status: "failed", error: tookTooLong() });
      return;
    }
    let job: RenderJob;
    try {
      job = await nemo.render(row.renderId);
    } catch (error) {
      return this.pollFailed(row, toAppError(error));
    }
    // A cancel may have landed while NemoVideo answered: it wins.
    if (this.ended(id)) return;
    const observedAt = Date.now();
    this.sql.exec(
      "UPDATE exports SET failures = 0 WHERE id = ?",
      id,
    );
    const status = job.status;
    if (status === "completed") {
      await this.end(row, { status: "completed", progress: 100, url: job.url });
      return;
    }
    if (status === "failed") return this.renderFailed(row, nemo, job);
    const progress = Math.max(row.progress, job.progress);
    this.sql.exec("UPDATE exports SET status = ?, progress = ? WHERE id = ?", status, progress, id);
    if (status !== row.status || progress !== row.progress) await this.host.exportChanged((await this.publish(id))!);
    const next = nextPollIn({ ...row, at: observedAt, progress: job.progress }, this.scale);
    await this.host.schedule.at(scheduleKey(id), observedAt + next);
  }

  /** A step that kept throwing is given up: the export fails with a reason instead of retrying forever. */
  async giveUp(id: string, error: unknown): Promise<void> {
    const row = this.row(id);
    if (row && !FINAL_EXPORT_STATUSES.includes(row.status))
      await this.end(row, { status: "failed", error: toAppError(error).toJSON() });
    await this.host.schedule.cancel(scheduleKey(id));
  }

  private async pollFailed(row: ExportRow, error: AppError): Promise<void> {
    const transient = ["upstream_unavailable", "upstream_timeout", "upstream_error", "rate_limited"].includes(error.code);
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
    this.sql.exec("UPDATE exports SET failures = ? WHERE id = ?", failures, row.exportId);
    await this.host.schedule.at(scheduleKey(row.exportId), Date.now() + retryIn(failures, this.scale));
  }

  /** A render that failed upstream is tried once more under a new id; a second failure ends the export. */
  private async renderFailed(row: ExportRow, nemo: NemoClient, job: RenderJob): Promise<void> {
    const session = this.host.sessionNow(row.sessionId);
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
    if (this.ended(row.exportId)) return;
    const submittedAt = Date.now();
    const { format, quality } = row;
    const { renderId, job: resubmitted } = await nemo.startRender({ sessionId: session.upstreamId, draft, format, quality });
    if (this.ended(row.exportId)) {
      await nemo.cancelRender(renderId).catch(() => {});
      return;
    }
    this.sql.exec(
      `UPDATE exports SET render_id = ?, submissions = submissions + 1, status = ?, progress = ?, submitted_at = ?,
        start_progress = ? WHERE id = ?`,
      renderId,
      resubmitted.status,
      resubmitted.progress,
      submittedAt,
      resubmitted.progress,
      row.exportId,
    );
    await this.publish(row.exportId);
    await this.host.schedule.at(
      scheduleKey(row.exportId),
      submittedAt + nextPollIn({ submittedAt, startProgress: resubmitted.progress }, this.scale),
    );
  }

  private async end(
    row: ExportRow,
    change: { status: ExportStatus; progress?: number; url?: string; error?: JobError },
  ): Promise<ExportRecord> {
    // Ended meanwhile (a cancel during a poll, or a poll's answer during a cancel): the first end stands.
    if (this.ended(row.exportId)) return this.find(row.exportId)!;
    const completedAt = Date.now();
    this.sql.exec(
      "UPDATE exports SET status = ?, progress = ?, url = ?, error = ?, completed_at = ? WHERE id = ?",
      change.status,
      change.progress ?? row.progress,
      change.url ?? null,
      change.error ? JSON.stringify(change.error) : null,
      completedAt,
      row.exportId,
    );
    await this.host.schedule.cancel(scheduleKey(row.exportId));
    const record = (await this.publish(row.exportId))!;
    this.channels.get(row.exportId)?.end();
    this.channels.delete(row.exportId);
    await this.host.exportChanged(record);
    return record;
  }

  private async publish(id: string): Promise<ExportRecord | undefined> {
    const record = this.find(id);
    const channel = this.channels.get(id);
    if (record && channel) channel.publish({ event: "status", data: await this.host.exportView(record) });
    return record;
  }

  private channel(id: string): LiveChannel {
    let channel = this.channels.get(id);
    if (!channel) this.channels.set(id, (channel = new LiveChannel(this.host.config.KEEPALIVE_MS)));
    return channel;
  }

  private ended(id: string): boolean {
    const row = this.row(id);
    return !row || FINAL_EXPORT_STATUSES.includes(row.status);
  }

  private runningIn(sessionId: string): ExportRecord | undefined {
    const [row] = this.sql
      .exec(
        "SELECT * FROM exports WHERE session_id = ? AND status IN ('pending', 'processing') ORDER BY created_at DESC LIMIT 1",
        sessionId,
      )
      .toArray();
    return row ? toRecord(toRow(row)) : undefined;
  }

  private row(id: string): ExportRow | undefined {
    const [row] = this.sql.exec("SELECT * FROM exports WHERE id = ?", id).toArray();
    return row ? toRow(row) : undefined;
  }

  private visitorOf(sessionId: string): string | undefined {
    const [row] = this.sql.exec("SELECT visitor_id FROM sessions WHERE id = ?", sessionId).toArray();
    return row ? String(row.visitor_id) : undefined;
  }
}


const gone = (): JobError => ({
  code: "not_found",
  message: "The project this export belonged to has expired, so the export was stopped.",
});

const tookTooLong = (): JobError => ({
  code: "upstream_timeout",
  message: "NemoVideo took longer than 20 minutes to render this video, so we stopped waiting. Please export again.",
});

function toRow(row: Record<string, SqlStorageValue>): ExportRow {
  const optional = (value: SqlStorageValue) => (value == null ? undefined : value);
  return {
    exportId: String(row.id),
    sessionId: String(row.session_id),
    renderId: String(row.render_id),
    status: String(row.status) as ExportStatus,
    progress: Number(row.progress),
    url: optional(row.url) as string | undefined,
    error: row.error == null ? undefined : (JSON.parse(String(row.error)) as JobError),
    format: String(row.format),
    quality: String(row.quality),
    submissions: Number(row.submissions),
    failures: Number(row.failures),
    createdAt: Number(row.created_at),
    submittedAt: Number(row.submitted_at),
    startProgress: Number(row.start_progress),
    completedAt: optional(row.completed_at) as number | undefined,
  };
}

function toRecord(row: ExportRow): ExportRecord {
  const { exportId, sessionId, status, progress, url, error, createdAt, completedAt } = row;
  return {
    exportId,
    sessionId,
    status,
    progress,
    ...(url ? { url } : {}),
    ...(error ? { error } : {}),
    createdAt,
    ...(completedAt ? { completedAt } : {}),
  };
}
