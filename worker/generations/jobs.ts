import type { Config } from "../config";
import { AppError, toAppError } from "../errors";
import type { ExportJobs } from "../exports/jobs";
import type { ExportRecord, JobError } from "../exports/schema";
import type { NemoClient } from "../nemo/client";
import { isExportReady } from "../sessions/timeline";
import type { TurnEvent } from "../chat/events";
import { LiveChannel, type StreamEvent } from "../visitor/live";
import type { SessionRecord } from "../visitor/records";
import type { Schedule } from "../visitor/schedule";
import type { TurnRow, Turns } from "../visitor/turns";
import { FINAL_GENERATION_STATUSES, type GenerationRecord, type GenerationStatus } from "./schema";
import { deliverWebhook, WEBHOOK_ATTEMPTS, webhookRetryIn } from "./webhook";

export const GENERATION_TABLES = `
  CREATE TABLE IF NOT EXISTS generations (id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL, origin TEXT NOT NULL,
    prompt TEXT NOT NULL, language TEXT, webhook_url TEXT, status TEXT NOT NULL, session_id TEXT, turn_id TEXT,
    export_id TEXT, error TEXT, created_at INTEGER NOT NULL, completed_at INTEGER, webhook_status TEXT,
    webhook_attempts INTEGER NOT NULL DEFAULT 0, webhook_last_status INTEGER);
`;

/** What generations need from the Durable Object that drives them. */
export interface GenerationHost {
  readonly config: Config;
  readonly schedule: Schedule;
  readonly turns: Turns;
  readonly exports: ExportJobs;
  client(visitorId: string): NemoClient;
  sessionNow(id: string): SessionRecord | null;
  createSession(visitorId: string, language?: string): Promise<SessionRecord>;
  /** Counts a turn against the visitor's daily allowance (shared account); false when it is used up. */
  takeTurn(): boolean;
  /** The generation as the API shows it: with its signed download link, absolute for a webhook receiver. */
  publicView(record: GenerationRecord, origin: string, absolute: boolean): Promise<GenerationRecord & { downloadUrl?: string }>;
  webhookSecret(visitorId: string, origin: string): Promise<string>;
  outbound(request: Request): Promise<Response>;
}

interface GenerationRow {
  id: string;
  visitorId: string;
  origin: string;
  prompt: string;
  language?: string;
  webhookUrl?: string;
  status: GenerationStatus;
  sessionId?: string;
  turnId?: string;
  exportId?: string;
  error?: JobError;
  createdAt: number;
  completedAt?: number;
  webhookStatus?: "pending" | "delivered" | "failed";
  webhookAttempts: number;
  webhookLastStatus?: number;
}

const stepKey = (id: string) => `generation:${id}`;
const webhookKey = (id: string) => `webhook:${id}`;
/** Slack after a turn's or an export's own cap before a generation checks on it anyway. */
const SAFETY_MS = 60_000;
const INTERRUPTED_RECHECK_MS = 15_000;
/** Generations one visitor may have queued or running at once: each opens a NemoVideo session and spends credits. */
export const MAX_RUNNING = 3;

/**
 * Text in, MP4 out, with nobody watching: each generation is a small state machine in the visitor's Durable
 * Object. queued → (a session is opened, the prompt is sent once) generating → (the turn ends; its timeline is
 * exported) rendering → completed, or failed with a reason. Each step is written before the next begins, so a
 * step run twice or by a fresh instance after a restart carries on instead of repeating work.
 */
export class Generations {
  private readonly channels = new Map<string, LiveChannel>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly host: GenerationHost,
  ) {}

  async create(visitorId: string, origin: string, request: { prompt: string; language?: string; webhookUrl?: string }) {
    const [running] = this.sql
      .exec("SELECT COUNT(*) AS n FROM generations WHERE status NOT IN ('completed', 'failed')")
      .toArray();
    if (Number(running?.n ?? 0) >= MAX_RUNNING)
      throw new AppError(
        "rate_limited",
        `You already have ${MAX_RUNNING} generations on their way. Wait for one of them to finish, then start the next.`,
      );
    const row: GenerationRow = {
      id: `gen_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`,
      visitorId,
      origin,
      prompt: request.prompt,
      language: request.language,
      webhookUrl: request.webhookUrl,
      status: "queued",
      createdAt: Date.now(),
      webhookAttempts: 0,
    };
    this.sql.exec(
      "INSERT INTO generations (id, visitor_id, origin, prompt, language, webhook_url, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)",
      row.id,
      visitorId,
      origin,
      row.prompt,
      row.language ?? null,
      row.webhookUrl ?? null,
      row.createdAt,
    );
    await this.host.schedule.at(stepKey(row.id), Date.now());
    return this.record(row);
  }

  find(id: string): GenerationRecord | undefined {
    const row = this.row(id);
    return row && this.record(row);
  }

  list(): GenerationRecord[] {
    return this.sql
      .exec("SELECT * FROM generations ORDER BY created_at DESC")
      .toArray()
      .map((row) => this.record(toRow(row)));
  }

  /** `status` events (the whole generation each time), with the turn's `activity` and `text` as they come. */
  async follow(id: string): Promise<ReadableStream<Uint8Array> | undefined> {
    const row = this.row(id);
    if (!row) return undefined;
    const now: StreamEvent = { event: "status", data: await this.host.publicView(this.record(row), row.origin, false) };
    const current = this.row(id)!;
    if (current.status !== row.status) return this.follow(id);
    if (FINAL_GENERATION_STATUSES.includes(row.status)) return new LiveChannel(0).open([now], true);
    let channel = this.channels.get(id);
    if (!channel) this.channels.set(id, (channel = new LiveChannel(this.host.config.KEEPALIVE_MS)));
    return channel.open([now]);
  }

  /** The alarm's step for one generation. */
  async step(id: string): Promise<void> {
    const row = this.row(id);
    if (!row || FINAL_GENERATION_STATUSES.includes(row.status)) return this.host.schedule.cancel(stepKey(id));
    if (row.status === "queued") return this.begin(row);
    if (row.status === "generating") return this.afterTurn(row);
    return this.afterExport(row);
  }

  /** A step that kept throwing: the generation fails with the reason rather than being retried forever. */
  async giveUp(id: string, error: unknown): Promise<void> {
    const row = this.row(id);
    if (row && !FINAL_GENERATION_STATUSES.includes(row.status)) await this.fail(row, toAppError(error).toJSON());
  }

  turnEvent(turn: TurnRow, event: TurnEvent): void {
    if (event.event !== "activity" && event.event !== "text") return;
    const generation = this.byColumn("turn_id", turn.id);
    if (generation) this.channels.get(generation.id)?.publish({ event: event.event, data: event.data });
  }

  async turnEnded(turn: TurnRow): Promise<void> {
    const generation = this.byColumn("turn_id", turn.id);
    if (generation?.status === "generating") await this.host.schedule.at(stepKey(generation.id), Date.now());
  }

  async exportChanged(record: ExportRecord): Promise<void> {
    const generation = this.byColumn("export_id", record.exportId);
    if (generation?.status !== "rendering") return;
    if (["completed", "failed", "cancelled"].includes(record.status))
      await this.host.schedule.at(stepKey(generation.id), Date.now());
    else await this.publish(generation.id);
  }

  /** The alarm's step for a webhook delivery: one attempt, then a retry with backoff, six attempts in all. */
  async deliver(id: string): Promise<void> {
    const row = this.row(id);
    if (!row?.webhookUrl || row.webhookStatus !== "pending") return this.host.schedule.cancel(webhookKey(id));
    const attempts = row.webhookAttempts + 1;
    const secret = await this.host.webhookSecret(row.visitorId, row.origin);
    const view = await this.host.publicView(this.record(row), row.origin, true);
    const status = await deliverWebhook(row.webhookUrl, id, view, secret, (request) => this.host.outbound(request));
    const delivered = status !== undefined && status >= 200 && status < 300;
    const outcome = delivered ? "delivered" : attempts >= WEBHOOK_ATTEMPTS ? "failed" : "pending";
    this.sql.exec(
      "UPDATE generations SET webhook_status = ?, webhook_attempts = ?, webhook_last_status = ? WHERE id = ?",
      outcome,
      attempts,
      status ?? null,
      id,
    );
    if (outcome === "pending")
      await this.host.schedule.at(webhookKey(id), Date.now() + webhookRetryIn(attempts, this.host.config.JOB_TIME_SCALE));
    else await this.host.schedule.cancel(webhookKey(id));
  }

  /** queued: open a session (once), then send the prompt (once). */
  private async begin(row: GenerationRow): Promise<void> {
    let session = row.sessionId ? this.host.sessionNow(row.sessionId) : null;
    if (!session) {
      session = await this.host.createSession(row.visitorId, row.language);
      this.sql.exec("UPDATE generations SET session_id = ? WHERE id = ?", session.id, row.id);
    }
    if (!this.host.takeTurn()) {
      await this.fail(row, {
        code: "quota_exceeded",
        message: "You've used today's messages on this site, so this generation could not start. Come back tomorrow.",
      });
      return;
    }
    // Storing the turn's id happens in the same synchronous stretch as starting it: a step run again never re-sends.
    const { turn } = this.host.turns.start(row.visitorId, session, row.prompt, false);
    this.sql.exec("UPDATE generations SET turn_id = ?, status = 'generating' WHERE id = ?", turn.id, row.id);
    await this.publish(row.id);
    await this.host.schedule.at(stepKey(row.id), Date.now() + this.host.config.TURN_CAP_MS + SAFETY_MS);
  }

  /** generating: once the turn has ended, export what it made, or fail in words if it made nothing. */
  private async afterTurn(row: GenerationRow): Promise<void> {
    const turn = row.turnId ? this.host.turns.find(row.turnId) : undefined;
    if (turn?.status === "running") {
      await this.host.schedule.at(stepKey(row.id), Date.now() + this.host.config.TURN_CAP_MS + SAFETY_MS);
      return;
    }
    const session = row.sessionId ? this.host.sessionNow(row.sessionId) : null;
    if (!turn || !session) {
      await this.fail(row, { code: "not_found", message: "This generation's project expired before it finished." });
      return;
    }
    const { timeline } = await this.host.client(row.visitorId).state(session.upstreamId);
    // A turn cut off on our side (a restart, a dropped connection) may still be finished by NemoVideo: look again
    // now and then until the turn's cap has passed.
    const retryAt = Date.now() + INTERRUPTED_RECHECK_MS * this.host.config.JOB_TIME_SCALE;
    if (!isExportReady(timeline) && turn.reason === "interrupted" && retryAt < turn.startedAt + this.host.config.TURN_CAP_MS) {
      await this.host.schedule.at(stepKey(row.id), retryAt);
      return;
    }
    if (!isExportReady(timeline)) {
      await this.fail(
        row,
        this.host.turns.lastError(turn.id) ?? {
          code: "export_not_ready",
          message:
            "NemoVideo answered, but made no video from this prompt (its reply is in the messages). Try describing the video you want more plainly.",
        },
      );
      return;
    }
    let record: ExportRecord;
    try {
      record = await this.host.exports.start(row.visitorId, session.id, { format: "mp4", quality: "high" });
    } catch (error) {
      const appError = toAppError(error);
      if (isTransient(appError)) throw appError;
      await this.fail(row, appError.toJSON());
      return;
    }
    this.sql.exec("UPDATE generations SET export_id = ?, status = 'rendering' WHERE id = ?", record.exportId, row.id);
    await this.publish(row.id);
    await this.host.schedule.at(stepKey(row.id), Date.now() + 20 * 60_000 * this.host.config.JOB_TIME_SCALE + SAFETY_MS);
  }

  /** rendering: the export has ended (or is checked on in case a notice was lost). */
  private async afterExport(row: GenerationRow): Promise<void> {
    const record = row.exportId ? this.host.exports.find(row.exportId) : undefined;
    if (!record) {
      await this.fail(row, { code: "not_found", message: "This generation's export is gone." });
      return;
    }
    if (record.status === "completed") return this.finish(row, "completed");
    if (record.status === "failed" || record.status === "cancelled")
      return this.fail(row, record.error ?? { code: "upstream_error", message: "The export of this generation was cancelled." });
    await this.host.schedule.at(stepKey(row.id), Date.now() + SAFETY_MS * this.host.config.JOB_TIME_SCALE);
  }

  private fail(row: GenerationRow, error: JobError): Promise<void> {
    return this.finish(row, "failed", error);
  }

  private async finish(row: GenerationRow, status: "completed" | "failed", error?: JobError): Promise<void> {
    this.sql.exec(
      "UPDATE generations SET status = ?, error = ?, completed_at = ?, webhook_status = ? WHERE id = ?",
      status,
      error ? JSON.stringify(error) : null,
      Date.now(),
      row.webhookUrl ? "pending" : null,
      row.id,
    );
    await this.host.schedule.cancel(stepKey(row.id));
    await this.publish(row.id);
    this.channels.get(row.id)?.end();
    this.channels.delete(row.id);
    if (row.webhookUrl) await this.host.schedule.at(webhookKey(row.id), Date.now());
  }

  private async publish(id: string): Promise<void> {
    const row = this.row(id);
    const channel = this.channels.get(id);
    if (row && channel) channel.publish({ event: "status", data: await this.host.publicView(this.record(row), row.origin, false) });
  }

  private record(row: GenerationRow): GenerationRecord {
    const turn = row.turnId ? this.host.turns.find(row.turnId) : undefined;
    const exported = row.exportId ? this.host.exports.find(row.exportId) : undefined;
    const messages: GenerationRecord["messages"] = [{ role: "user", text: row.prompt, at: row.createdAt }];
    if (turn?.reply) messages.push({ role: "assistant", text: turn.reply, at: turn.endedAt ?? turn.startedAt });
    return {
      generationId: row.id,
      status: row.status,
      prompt: row.prompt,
      ...(row.language ? { language: row.language } : {}),
      ...(row.sessionId ? { sessionId: row.sessionId } : {}),
      ...(row.exportId ? { exportId: row.exportId } : {}),
      messages,
      ...(exported ? { progress: exported.progress } : {}),
      ...(row.status === "completed" && exported?.url ? { url: exported.url } : {}),
      ...(row.error ? { error: row.error } : {}),
      ...(row.webhookStatus
        ? {
            webhook: {
              status: row.webhookStatus,
              attempts: row.webhookAttempts,
              ...(row.webhookLastStatus ? { lastStatus: row.webhookLastStatus } : {}),
            },
          }
        : {}),
      createdAt: row.createdAt,
      ...(row.completedAt ? { completedAt: row.completedAt } : {}),
    };
  }

  private row(id: string): GenerationRow | undefined {
    const [row] = this.sql.exec("SELECT * FROM generations WHERE id = ?", id).toArray();
    return row ? toRow(row) : undefined;
  }

  private byColumn(column: "turn_id" | "export_id", value: string): GenerationRow | undefined {
    const [row] = this.sql.exec(`SELECT * FROM generations WHERE ${column} = ?`, value).toArray();
    return row ? toRow(row) : undefined;
  }
}

const isTransient = (error: AppError) =>
  ["upstream_unavailable", "upstream_timeout", "rate_limited", "internal"].includes(error.code);

function toRow(row: Record<string, SqlStorageValue>): GenerationRow {
  const text = (value: SqlStorageValue) => (value == null ? undefined : String(value));
  return {
    id: String(row.id),
    visitorId: String(row.visitor_id),
    origin: String(row.origin),
    prompt: String(row.prompt),
    language: text(row.language),
    webhookUrl: text(row.webhook_url),
    status: String(row.status) as GenerationStatus,
    sessionId: text(row.session_id),
    turnId: text(row.turn_id),
    exportId: text(row.export_id),
    error: row.error == null ? undefined : (JSON.parse(String(row.error)) as JobError),
    createdAt: Number(row.created_at),
    completedAt: row.completed_at == null ? undefined : Number(row.completed_at),
    webhookStatus: text(row.webhook_status) as GenerationRow["webhookStatus"],
    webhookAttempts: Number(row.webhook_attempts),
    webhookLastStatus: row.webhook_last_status == null ? undefined : Number(row.webhook_last_status),
  };
}
