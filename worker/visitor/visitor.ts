import { DurableObject } from "cloudflare:workers";
import { type Config, type Env, readConfig } from "../config";
import { notFound, type Outcome, outcomeOf } from "../errors";
import { EXPORT_TABLES, type ExportHost, ExportJobs } from "../exports/jobs";
import { webhookSecret, withDownload } from "../exports/links";
import type { ExportRecord } from "../exports/schema";
import { GENERATION_TABLES, type GenerationHost, Generations } from "../generations/jobs";
import type { GenerationRecord } from "../generations/schema";
import {
  ANONYMOUS_TOKEN_LIFE_MS,
  type Credentials,
  NemoClient,
  requestAnonymousToken,
  type UpstreamSession,
} from "../nemo/client";
import { nemoOptions, outboundFetch } from "../upstream";
import { keySecret } from "../visitors/keys";
import { kvExpiration, type SessionRecord, sessionKey, tokenKey } from "./records";
import { Schedule, SCHEDULE_TABLE } from "./schedule";
import { TURN_TABLES, type TurnHost, Turns } from "./turns";
import { UPLOAD_TABLES, type UploadedPart, type UploadRecord, UploadTable } from "./uploads";

/** Sessions on the operator's shared account are kept this long; anonymous ones live as long as their token. */
const OPERATOR_SESSION_LIFE_MS = 30 * 24 * 3600_000;
/** Renew a little before NemoVideo would refuse the token. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
/** While a turn runs, the alarm fires this often: an object with work in flight is never idle long enough to be evicted. */
const KEEP_AWAKE_MS = 30_000;
const SWEEP_EVERY_MS = 6 * 3600_000;
/** A schedule step that throws is retried with backoff this many times, then its job fails with the reason. */
const MAX_STEP_ATTEMPTS = 6;

/**
 * One per visitor. Holds the consistent copy of what the visitor owns (its NemoVideo token, its sessions, its
 * uploads) and serialises what must not happen twice at once: asking NemoVideo for an anonymous token, replacing
 * a lost session, starting a second turn in a session or a second export. It runs the visitor's long work, so
 * that none of it depends on a tab staying open: chat turns (read to their end, stored, served to every
 * listener), exports and generations, all driven by one alarm. KV carries copies of the token and the sessions
 * for fast reads at the edge; whenever KV has nothing, this object is asked. Its public methods are its RPC.
 */
export class Visitor extends DurableObject<Env> {
  private renewal: Promise<Credentials> | undefined;
  private readonly uploadTable: UploadTable;
  private readonly config: Config;
  private readonly schedule: Schedule;
  private readonly turns: Turns;
  private readonly exports: ExportJobs;
  private readonly generations: Generations;
  /** The address this API was last reached at: decides, in development only, which secret signs links. */
  private origin = "https://promptreel.invalid";

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    this.config = readConfig(env);
    this.uploadTable = new UploadTable(sql);
    this.schedule = new Schedule(sql, ctx.storage);
    // What the jobs may ask of this object: kept off the class's public methods, which are its RPC surface.
    const host: TurnHost & ExportHost & GenerationHost = {
      config: this.config,
      schedule: this.schedule,
      get turns() {
        return turns;
      },
      get exports() {
        return exports;
      },
      client: (visitorId) => this.client(visitorId),
      sessionNow: (id) => this.sessionNow(id),
      createSession: (visitorId, language) => this.openSession(visitorId, language),
      replaceUpstream: (visitorId, id, stale) => this.replace(visitorId, id, stale),
      takeTurn: () => this.takeTurn(),
      keepAwake: () => this.schedule.atLatest("keepalive", Date.now() + KEEP_AWAKE_MS),
      turnEvent: (turn, event) => generations.turnEvent(turn, event),
      turnEnded: (turn) => generations.turnEnded(turn),
      exportChanged: (record) => generations.exportChanged(record),
      exportView: (record) => this.exportView(record),
      publicView: (record, origin, absolute) => this.publicView(record, origin, absolute),
      webhookSecret: (visitorId, origin) => webhookSecret(visitorId, keySecret(env, this.config, origin)),
      outbound: (request) => outboundFetch(env)(request),
    };
    const turns = new Turns(sql, host);
    const exports = new ExportJobs(sql, host);
    const generations = new Generations(sql, host);
    this.turns = turns;
    this.exports = exports;
    this.generations = generations;
    ctx.blockConcurrencyWhile(async () => {
      sql.exec(`
        CREATE TABLE IF NOT EXISTS token (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL,
          user_id TEXT, expires_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL, upstream_id TEXT NOT NULL,
          task_id TEXT NOT NULL, user_id TEXT, language TEXT, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS daily_turns (day TEXT PRIMARY KEY, count INTEGER NOT NULL);
        DROP TABLE IF EXISTS running_turns;
      `);
      sql.exec(UPLOAD_TABLES);
      sql.exec(SCHEDULE_TABLE);
      sql.exec(TURN_TABLES);
      sql.exec(EXPORT_TABLES);
      sql.exec(GENERATION_TABLES);
      // A fresh instance: turns that were running died with the last one's memory; jobs carry on from storage.
      await this.turns.endOrphans();
      if (!this.schedule.has("sweep")) await this.schedule.at("sweep", Date.now() + SWEEP_EVERY_MS);
      await this.schedule.arm();
    });
  }

  /**
   * The visitor's NemoVideo credentials: the operator's token when one is configured, else the visitor's own
   * anonymous token. `stale` is a token NemoVideo just refused: if it is still the one on file a new one is
   * requested; if another call renewed it meanwhile, the newer one is returned. Concurrent callers share one
   * request, so a visitor never asks NemoVideo for two tokens at once.
   */
  async credentials(visitorId: string, stale?: string): Promise<Outcome<Credentials>> {
    return outcomeOf(() => this.ownCredentials(visitorId, stale));
  }

  private async ownCredentials(visitorId: string, stale?: string): Promise<Credentials> {
    const operator = this.config.NEMO_TOKEN;
    if (operator) return { token: operator, anonymous: false };
    const stored = this.storedToken();
    if (stored && stored.token !== stale && (stored.expiresAt ?? 0) - EXPIRY_MARGIN_MS > Date.now()) return stored;
    this.renewal ??= this.requestToken(visitorId).finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  /** Opens a NemoVideo session for this visitor and records it under a public id of our own. */
  async createSession(visitorId: string, language?: string): Promise<Outcome<SessionRecord>> {
    return outcomeOf(() => this.openSession(visitorId, language));
  }

  private async openSession(visitorId: string, language?: string): Promise<SessionRecord> {
    const upstream: UpstreamSession = await this.client(visitorId).createSession(language);
    const credentials = await this.ownCredentials(visitorId);
    const now = Date.now();
    const record: SessionRecord = {
      id: crypto.randomUUID(),
      visitorId,
      ...upstream,
      userId: upstream.userId ?? credentials.userId,
      language,
      createdAt: now,
      expiresAt: credentials.anonymous
        ? (credentials.expiresAt ?? now + ANONYMOUS_TOKEN_LIFE_MS)
        : now + OPERATOR_SESSION_LIFE_MS,
    };
    await this.saveSession(record);
    return record;
  }

  async session(id: string): Promise<SessionRecord | null> {
    return this.sessionNow(id);
  }

  /** The session, read synchronously (for the jobs that run inside this object). */
  private sessionNow(id: string): SessionRecord | null {
    const [row] = this.ctx.storage.sql
      .exec("SELECT * FROM sessions WHERE id = ? AND expires_at > ?", id, Date.now())
      .toArray();
    return row ? toRecord(row) : null;
  }

  async sessions(): Promise<SessionRecord[]> {
    return this.ctx.storage.sql
      .exec("SELECT * FROM sessions WHERE expires_at > ? ORDER BY created_at DESC", Date.now())
      .toArray()
      .map(toRecord);
  }

  /**
   * Points a session at a fresh NemoVideo session after the old one was lost (1002). Compare-and-swap: when
   * `staleUpstreamId` is no longer the one on file (a copy in KV lagged behind), nothing new is created and
   * `replaced` is false: the caller may simply use the current record.
   */
  async replaceUpstream(
    visitorId: string,
    id: string,
    staleUpstreamId: string,
  ): Promise<Outcome<{ record: SessionRecord | null; replaced: boolean }>> {
    return outcomeOf(() => this.replace(visitorId, id, staleUpstreamId));
  }

  private async replace(visitorId: string, id: string, staleUpstreamId: string) {
    const current = this.sessionNow(id);
    if (!current || current.upstreamId !== staleUpstreamId) return { record: current, replaced: false };
    const upstream = await this.client(visitorId).createSession(current.language);
    const replaced: SessionRecord = { ...current, ...upstream, userId: upstream.userId ?? current.userId };
    await this.saveSession(replaced);
    return { record: replaced, replaced: true };
  }

  /**
   * Starts a chat turn in this object and answers its event stream. Refused while a turn already runs in the
   * session, and, on the operator's shared account, once the visitor has used its `VISITOR_DAILY_TURNS` for the
   * day. The turn goes on to its end if the stream's reader leaves.
   */
  async startTurn(
    visitorId: string,
    sessionId: string,
    message: string,
  ): Promise<Outcome<{ status: "started"; stream: ReadableStream<Uint8Array> } | { status: "running" | "quota" }>> {
    return outcomeOf(async () => {
      const record = this.sessionNow(sessionId);
      if (!record) throw notFound("That session");
      if (this.turns.running(sessionId)) return { status: "running" as const };
      if (!this.takeTurn()) return { status: "quota" as const };
      return { status: "started" as const, stream: this.turns.start(visitorId, record, message).stream! };
    });
  }

  /** The session's running or last turn from the event after `after`, or undefined when there is nothing to resume. */
  async followTurn(sessionId: string, after = 0): Promise<Outcome<ReadableStream<Uint8Array> | undefined>> {
    return outcomeOf(async () => {
      if (!this.sessionNow(sessionId)) throw notFound("That session");
      return this.turns.follow(sessionId, after);
    });
  }

  async history(sessionId: string) {
    return outcomeOf(async () => {
      if (!this.sessionNow(sessionId)) throw notFound("That session");
      return this.turns.history(sessionId);
    });
  }

  /** Counts one turn against the visitor's daily allowance on the shared account; false once it is used up. */
  private takeTurn(): boolean {
    const config = this.config;
    if (!config.NEMO_TOKEN) return true;
    const sql = this.ctx.storage.sql;
    const day = new Date().toISOString().slice(0, 10);
    const [used] = sql.exec("SELECT count FROM daily_turns WHERE day = ?", day).toArray();
    if (Number(used?.count ?? 0) >= config.VISITOR_DAILY_TURNS) return false;
    sql.exec("DELETE FROM daily_turns WHERE day <> ?", day);
    sql.exec("INSERT INTO daily_turns VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET count = count + 1", day);
    return true;
  }

  async startExport(visitorId: string, sessionId: string, output: { format: string; quality: string }) {
    return outcomeOf(() => this.exports.start(visitorId, sessionId, output));
  }

  async exportJob(id: string): Promise<ExportRecord | undefined> {
    return this.exports.find(id);
  }

  async exportJobs(): Promise<ExportRecord[]> {
    return this.exports.list();
  }

  async followExport(id: string, origin: string): Promise<ReadableStream<Uint8Array> | undefined> {
    this.origin = origin;
    return this.exports.follow(id);
  }

  async exportFile(id: string) {
    return this.exports.file(id);
  }

  async cancelExport(id: string): Promise<Outcome<ExportRecord>> {
    return outcomeOf(() => this.exports.cancel(id));
  }

  async startGeneration(visitorId: string, origin: string, request: { prompt: string; language?: string; webhookUrl?: string }) {
    return outcomeOf(() => this.generations.create(visitorId, origin, request));
  }

  async generation(id: string): Promise<GenerationRecord | undefined> {
    return this.generations.find(id);
  }

  async generationList(): Promise<GenerationRecord[]> {
    return this.generations.list();
  }

  async followGeneration(id: string, origin: string): Promise<ReadableStream<Uint8Array> | undefined> {
    this.origin = origin;
    return this.generations.follow(id);
  }

  async addUpload(upload: UploadRecord): Promise<void> {
    this.uploadTable.add(upload);
  }

  async upload(id: string) {
    return this.uploadTable.find(id);
  }

  async recordUploadPart(id: string, part: UploadedPart): Promise<void> {
    this.uploadTable.recordPart(id, part);
  }

  async removeUpload(id: string): Promise<void> {
    this.uploadTable.remove(id);
  }

  /**
   * Runs every schedule row that is due. A step reschedules or cancels its own row; one that throws is tried again
   * with backoff, and after `MAX_STEP_ATTEMPTS` its job fails with the reason (never retried forever). The alarm
   * itself does not throw, so Cloudflare's own retries are left for failures of the platform.
   */
  async alarm(): Promise<void> {
    for (const row of this.schedule.due()) {
      try {
        await this.runStep(row.key);
        if (this.schedule.due().some((due) => due.key === row.key && due.dueAt === row.dueAt))
          await this.schedule.cancel(row.key);
      } catch (error) {
        const attempts = row.attempts + 1;
        if (attempts < MAX_STEP_ATTEMPTS) {
          const backoff = Math.min(60_000, 1_000 * 2 ** attempts) * this.config.JOB_TIME_SCALE;
          await this.schedule.at(row.key, Date.now() + backoff, attempts);
        } else {
          console.error("giving up a scheduled step", row.key, error instanceof Error ? error.message : error);
          await this.schedule.cancel(row.key);
          await this.abandon(row.key, error);
        }
      }
    }
    await this.schedule.arm();
  }

  private async runStep(key: string): Promise<void> {
    const [kind, id = ""] = key.split(/:(.*)/s);
    switch (kind) {
      case "export":
        return this.exports.step(id);
      case "generation":
        return this.generations.step(id);
      case "webhook":
        return this.generations.deliver(id);
      case "keepalive":
        return this.turns.active ? this.schedule.at(key, Date.now() + KEEP_AWAKE_MS) : this.schedule.cancel(key);
      case "sweep":
        this.sweep();
        return this.schedule.at(key, Date.now() + SWEEP_EVERY_MS);
      default:
        return this.schedule.cancel(key);
    }
  }

  private async abandon(key: string, error: unknown): Promise<void> {
    const [kind, id = ""] = key.split(/:(.*)/s);
    if (kind === "export") await this.exports.giveUp(id, error);
    if (kind === "generation") await this.generations.giveUp(id, error);
  }

  /** Forgets what has expired: sessions past their token's life, old turns' events, and the finished jobs of gone sessions. */
  private sweep(): void {
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM sessions WHERE expires_at <= ?", Date.now());
    this.turns.sweep();
    const gone = "session_id IS NOT NULL AND session_id NOT IN (SELECT id FROM sessions)";
    sql.exec(`DELETE FROM generations WHERE status IN ('completed', 'failed') AND ${gone}`);
    sql.exec(`DELETE FROM exports WHERE status IN ('completed', 'failed', 'cancelled') AND ${gone}`);
  }

  private async exportView(record: ExportRecord) {
    const session = this.sessionNow(record.sessionId);
    return withDownload(record, session?.visitorId ?? "", keySecret(this.env, this.config, this.origin));
  }

  private async publicView(record: GenerationRecord, origin: string, absolute: boolean) {
    const secret = keySecret(this.env, this.config, origin);
    return withDownload(record, this.visitorOfJobs(record), secret, absolute ? origin : "");
  }

  private client(visitorId: string): NemoClient {
    return new NemoClient(nemoOptions(this.env, this.config), {
      current: () => this.ownCredentials(visitorId),
      renew: (stale) => this.ownCredentials(visitorId, stale.token),
    });
  }

  private visitorOfJobs(record: GenerationRecord): string {
    const session = record.sessionId ? this.sessionNow(record.sessionId) : null;
    return session?.visitorId ?? "";
  }

  private async saveSession(record: SessionRecord): Promise<void> {
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      record.id,
      record.visitorId,
      record.upstreamId,
      record.taskId,
      record.userId ?? null,
      record.language ?? null,
      record.createdAt,
      record.expiresAt,
    );
    await this.env.KV.put(sessionKey(record.id), JSON.stringify(record), { expiration: kvExpiration(record.expiresAt) });
  }

  private storedToken(): Credentials | undefined {
    const [row] = this.ctx.storage.sql.exec("SELECT * FROM token WHERE id = 1").toArray();
    if (!row) return undefined;
    return {
      token: String(row.token),
      userId: row.user_id == null ? undefined : String(row.user_id),
      expiresAt: Number(row.expires_at),
      anonymous: true,
    };
  }

  private async requestToken(visitorId: string): Promise<Credentials> {
    const credentials = await requestAnonymousToken(nemoOptions(this.env, this.config), visitorId);
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO token VALUES (1, ?, ?, ?)",
      credentials.token,
      credentials.userId ?? null,
      credentials.expiresAt,
    );
    await this.env.KV.put(tokenKey(visitorId), JSON.stringify(credentials), {
      expiration: kvExpiration(credentials.expiresAt!),
    });
    return credentials;
  }
}


function toRecord(row: Record<string, SqlStorageValue>): SessionRecord {
  const optional = (value: SqlStorageValue) => (value == null ? undefined : String(value));
  return {
    id: String(row.id),
    visitorId: String(row.visitor_id),
    upstreamId: String(row.upstream_id),
    taskId: String(row.task_id),
    userId: optional(row.user_id),
    language: optional(row.language),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}
