import { DurableObject } from "cloudflare:workers";
import { Turns } from "../chat/turns";
import { type Bindings, readConfig } from "../config";
import { type Outcome, outcomeOf } from "../errors";
import { Exports } from "../exports/jobs";
import { Generations } from "../generations/jobs";
import { Idempotency, type KeptAnswer } from "../idempotency/idempotency";
import type { EditRequest, GenerationRequest } from "../generations/schema";
import type { PageAsk } from "../cursor";
import type { Credentials } from "../nemo/shapes";
import { Reservations } from "../reservations";
import { Schedule } from "../schedule";
import type { Scope } from "../scope";
import type { SessionRecord } from "../sessions/schema";
import { Sessions } from "../sessions/sessions";
import { Live, replayed } from "../sse";
import type { UploadedPart } from "../uploads/schema";
import { Uploads } from "../uploads/uploads";
import { Library } from "../videos/library";
import { Account } from "../visitors/account";

const SWEEP_EVERY_MS = 6 * 3600_000;

/**
 * One per visitor: holds what the visitor owns (its NemoVideo token, sessions, uploads, chat turns, exports and
 * generations, each feature in its own tables) and runs its long work, so that none of it depends on a tab
 * staying open. The class is a shell: its public methods are its RPC, each handing over to a feature, and its
 * one alarm runs the schedule of named steps the features registered. KV carries copies of the token and the
 * sessions for fast reads at the edge; whenever KV has nothing, this object is asked.
 */
export class Visitor extends DurableObject<Bindings> {
  private readonly schedule: Schedule;
  private readonly reservations: Reservations;
  private readonly account: Account;
  private readonly sessions: Sessions;
  private readonly uploads: Uploads;
  private readonly turns: Turns;
  private readonly exports: Exports;
  private readonly generations: Generations;
  private readonly library: Library;
  private readonly idempotency: Idempotency;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    const config = readConfig(env);
    this.schedule = new Schedule(ctx.storage, config.JOB_TIME_SCALE);
    this.reservations = new Reservations(ctx.storage.sql);
    const scope: Scope = {
      sql: ctx.storage.sql,
      env,
      config,
      schedule: this.schedule,
      reservations: this.reservations,
      live: new Live(config.KEEPALIVE_MS),
    };
    this.account = new Account(scope);
    this.sessions = new Sessions(scope, this.account);
    this.uploads = new Uploads(scope, this.sessions);
    this.turns = new Turns(scope, this.sessions, this.account);
    this.exports = new Exports(scope, this.sessions, this.account);
    this.generations = new Generations(scope, this.account, this.sessions, this.turns, this.exports);
    this.library = new Library(scope, this.exports.files);
    this.idempotency = new Idempotency(ctx.storage.sql);
    this.schedule.define("sweep", { run: () => this.sweep() });
    ctx.blockConcurrencyWhile(async () => {
      // A fresh instance: turns that were running died with the last one's memory; jobs carry on from storage.
      this.turns.endOrphans();
      if (!this.schedule.has("sweep")) await this.schedule.at("sweep", Date.now() + SWEEP_EVERY_MS);
      await this.schedule.arm();
    });
  }

  /**
   * The visitor's NemoVideo credentials; `stale` is a token NemoVideo just refused. Here and in every method that
   * may need a free account or a message, `network` is the client network the visitor counts to (kept the first
   * time it is heard of, for the work that runs with nobody asking).
   */
  async credentials(visitorId: string, stale?: string, network?: string): Promise<Outcome<Credentials>> {
    this.account.know(network);
    return outcomeOf(() => this.account.credentials(visitorId, stale));
  }

  async createSession(visitorId: string, language?: string, network?: string): Promise<Outcome<SessionRecord>> {
    this.account.know(network);
    return outcomeOf(() => this.sessions.open(visitorId, language));
  }

  async session(id: string): Promise<SessionRecord | null> {
    return this.sessions.find(id);
  }

  /** The visitor's sessions, newest first, each titled by its first message (when one was sent). */
  async sessionList(): Promise<(SessionRecord & { title?: string })[]> {
    return this.sessions.list().map((record) => ({ ...record, title: this.turns.title(record.id) }));
  }

  async replaceUpstream(visitorId: string, id: string, staleUpstreamId: string) {
    return outcomeOf(() => this.sessions.replace(visitorId, id, staleUpstreamId));
  }

  /** Starts a chat turn in this object and answers its event stream; the turn goes on if the reader leaves. */
  async startTurn(visitorId: string, sessionId: string, message: string, network?: string): Promise<Outcome<ReadableStream<Uint8Array>>> {
    this.account.know(network);
    return outcomeOf(() => this.turns.begin(visitorId, sessionId, message));
  }

  /** The session's running or last turn from the event after `after`, or undefined when there is nothing to resume. */
  async followTurn(sessionId: string, after = 0): Promise<Outcome<ReadableStream<Uint8Array> | undefined>> {
    return outcomeOf(async () => this.turns.follow(sessionId, after));
  }

  async cancelTurn(sessionId: string) {
    return outcomeOf(async () => this.turns.cancel(sessionId));
  }

  async history(sessionId: string) {
    return outcomeOf(async () => this.turns.history(sessionId));
  }

  async startExport(visitorId: string, sessionId: string, output: { format: string; quality: string; origin: string }) {
    return outcomeOf(() => this.exports.start(visitorId, sessionId, output));
  }

  async exportJob(id: string) {
    return this.exports.find(id);
  }

  async exportJobs() {
    return this.exports.list();
  }

  async followExport(id: string) {
    return this.exports.follow(id);
  }

  async exportFile(id: string) {
    return this.exports.files.finished(id);
  }

  async cancelExport(id: string) {
    return outcomeOf(() => this.exports.cancel(id));
  }

  async startGeneration(visitorId: string, origin: string, request: GenerationRequest, network?: string) {
    this.account.know(network);
    return outcomeOf(() => this.generations.create(visitorId, origin, request));
  }

  async editGeneration(visitorId: string, origin: string, id: string, request: EditRequest, network?: string) {
    this.account.know(network);
    return outcomeOf(() => this.generations.edit(visitorId, origin, id, request));
  }

  async generation(id: string) {
    return this.generations.find(id);
  }

  async generationList() {
    return this.generations.list();
  }

  async followGeneration(id: string) {
    return this.generations.follow(id);
  }

  async cancelGeneration(id: string) {
    return outcomeOf(() => this.generations.cancel(id));
  }

  async startUpload(visitorId: string, sessionId: string, file: { name: string; size: number }) {
    return outcomeOf(() => this.uploads.start(visitorId, sessionId, file));
  }

  async upload(id: string) {
    return this.uploads.find(id);
  }

  /** A file sent in one request takes a place among the uploads at once before its body is read. */
  async startDirectUpload(sessionId: string, bytes: number) {
    return outcomeOf(async () => this.uploads.startDirect(sessionId, bytes));
  }

  async keepDirectUpload(reservationId: string): Promise<boolean> {
    return this.uploads.keepDirect(reservationId);
  }

  async endDirectUpload(reservationId: string): Promise<void> {
    this.uploads.endDirect(reservationId);
  }

  async recordUploadPart(id: string, part: UploadedPart): Promise<void> {
    this.uploads.recordPart(id, part);
  }

  async removeUpload(id: string): Promise<void> {
    this.uploads.remove(id);
  }

  /** Forgets the visitor: each feature its own data (files in R2 and copies in KV included); then its keys are refused. */
  async videoList(page: PageAsk = { limit: 100 }) {
    return this.library.list(page);
  }

  async video(id: string) {
    return this.library.find(id);
  }

  /** The video behind a share page, while it is shared (asked by the public page, with no key). */
  async sharedVideo(shareId: string) {
    return this.library.shared(shareId);
  }

  async deleteVideo(id: string) {
    return outcomeOf(() => this.library.delete(id));
  }

  async shareVideo(visitorId: string, id: string) {
    return outcomeOf(() => this.library.share(visitorId, id));
  }

  async unshareVideo(id: string) {
    return outcomeOf(() => this.library.unshare(id));
  }

  async posterKept(id: string, posterKey: string) {
    return outcomeOf(async () => this.library.posterKept(id, posterKey));
  }

  /** Idempotency-Key: new, or the first answer again; refused while the first is answered or for another body. */
  async idempotencyBegin(key: string, fingerprint: string) {
    return outcomeOf(async () => this.idempotency.begin(key, fingerprint));
  }

  /**
   * Keeps a key's first answer; a message's (`turnOf` its session) is the turn it just started there, the session's
   * latest (one runs at a time in a session).
   */
  async idempotencyAnswer(key: string, answer: KeptAnswer, turnOf?: string): Promise<void> {
    const turnId = turnOf && this.turns.latestIdIn(turnOf);
    this.idempotency.answer(key, turnOf && turnId ? { ...answer, turn: { sessionId: turnOf, turnId } } : answer);
  }

  async idempotencyRelease(key: string): Promise<void> {
    this.idempotency.release(key);
  }

  /** A turn's stream from its first event: a keyed message answered again. */
  async turnReplay(sessionId: string, turnId: string) {
    return outcomeOf(async () => this.turns.follow(sessionId, 0, turnId) ?? replayed([]));
  }

  async forget(visitorId: string): Promise<void> {
    await this.library.forget();
    await this.generations.forget();
    await this.exports.forget(visitorId);
    this.turns.forget();
    await this.uploads.forget();
    await this.sessions.forget();
    this.reservations.forget();
    this.idempotency.forget();
    await this.account.forget(visitorId);
  }

  async alarm(): Promise<void> {
    await this.schedule.run();
  }

  /** Forgets what has expired: sessions past their token's life, old turns' events, the ended jobs of gone sessions. */
  private async sweep(): Promise<void> {
    const sessions = this.sessions.sweep();
    await this.uploads.sweep(sessions);
    this.turns.sweep(sessions);
    this.exports.sweep(sessions);
    this.generations.sweep(sessions);
    this.idempotency.sweep();
    await this.schedule.at("sweep", Date.now() + SWEEP_EVERY_MS);
  }
}
