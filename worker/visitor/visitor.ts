import { DurableObject } from "cloudflare:workers";
import { Turns } from "../chat/turns";
import { type Bindings, readConfig } from "../config";
import { type Outcome, outcomeOf } from "../errors";
import { UsualDurations } from "../estimates";
import { Exports } from "../exports/jobs";
import { Generations } from "../generations/jobs";
import { Idempotency, type KeptAnswer } from "../idempotency/idempotency";
import type { EditRequest, GenerationRequest } from "../generations/schema";
import type { PageAsk } from "../cursor";
import type { Credentials } from "../nemo/shapes";
import { Reservations } from "../reservations";
import { Schedule } from "../schedule";
import type { Scope } from "../scope";
import type { Replacement } from "../sessions/lost";
import type { SessionRecord } from "../sessions/schema";
import { Sessions } from "../sessions/sessions";
import { Live, replayed } from "../sse";
import type { UploadedPart } from "../uploads/schema";
import { Uploads } from "../uploads/uploads";
import { Library } from "../videos/library";
import { Account } from "../account/account";

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
    const { schedule, reservations } = this;
    const scope: Scope = { sql: ctx.storage.sql, env, config, schedule, reservations, live: new Live(config.KEEPALIVE_MS), usual: new UsualDurations(env) };
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

  // The RPC, one method a line or two, each handing over to one feature. Each is named `<noun><Verb>`: the thing
  // it is about as the API names it, then what it does to it (Read one, List all, Start work that runs on, Follow
  // its events, Cancel, Delete, or the verb that says it). Every method answers an Outcome: a refusal (404 for
  // what is not the visitor's) is an answer, which the Worker's `settle` throws again as the AppError it was.
  // Where `network` is taken, it is the client network the visitor counts to (kept the first time it is heard of,
  // for the work that runs with nobody asking): for whatever may need a free account or a message.

  /** The visitor's NemoVideo credentials; `stale` is a token NemoVideo just refused. */
  async accountCredentials(visitorId: string, stale?: string, network?: string): Promise<Outcome<Credentials>> {
    this.account.know(network);
    return outcomeOf(() => this.account.credentials(visitorId, stale));
  }

  async sessionCreate(visitorId: string, language?: string, network?: string): Promise<Outcome<SessionRecord>> {
    this.account.know(network);
    return outcomeOf(() => this.sessions.open(visitorId, language));
  }

  async sessionRead(id: string): Promise<Outcome<SessionRecord>> {
    return outcomeOf(() => this.sessions.read(id));
  }

  /** A page of the visitor's sessions, newest first, each titled by its first message (when one was sent). */
  async sessionList(page: PageAsk): Promise<Outcome<{ sessions: (SessionRecord & { title?: string })[]; nextCursor: string | null }>> {
    return outcomeOf(() => {
      const { sessions, nextCursor } = this.sessions.list(page);
      return { sessions: sessions.map((record) => ({ ...record, title: this.turns.title(record.id) })), nextCursor };
    });
  }

  /** NemoVideo lost the session: a fresh one under the same id (compare-and-swap on `staleUpstreamId`). */
  async sessionReplace(visitorId: string, id: string, staleUpstreamId: string): Promise<Outcome<Replacement>> {
    return outcomeOf(() => this.sessions.replace(visitorId, id, staleUpstreamId));
  }

  /** Starts a chat turn in this object and answers its event stream; the turn goes on if the reader leaves. */
  async turnStart(visitorId: string, sessionId: string, message: string, network?: string): Promise<Outcome<ReadableStream<Uint8Array>>> {
    this.account.know(network);
    return outcomeOf(() => this.turns.begin(visitorId, sessionId, message));
  }

  /** The session's running or last turn from the event after `after`; undefined when there is nothing to resume. */
  async turnFollow(sessionId: string, after = 0): Promise<Outcome<ReadableStream<Uint8Array> | undefined>> {
    return outcomeOf(() => this.turns.follow(sessionId, after));
  }

  /** Stops waiting for the reply being written; false when none is. */
  async turnCancel(sessionId: string): Promise<Outcome<boolean>> {
    return outcomeOf(() => this.turns.cancel(sessionId));
  }

  async conversationRead(sessionId: string) {
    return outcomeOf(() => this.turns.history(sessionId));
  }

  async exportStart(visitorId: string, sessionId: string, output: { format: string; quality: string; origin: string }) {
    return outcomeOf(() => this.exports.start(visitorId, sessionId, output));
  }

  async exportRead(id: string) {
    return outcomeOf(() => this.exports.read(id));
  }

  async exportList(page: PageAsk) {
    return outcomeOf(() => this.exports.list(page));
  }

  async exportFollow(id: string) {
    return outcomeOf(() => this.exports.follow(id));
  }

  /** A completed export's file, for its download. */
  async exportFileRead(id: string) {
    return outcomeOf(() => this.exports.files.finished(id));
  }

  async exportCancel(id: string) {
    return outcomeOf(() => this.exports.cancel(id));
  }

  async generationStart(visitorId: string, origin: string, request: GenerationRequest, network?: string) {
    this.account.know(network);
    return outcomeOf(() => this.generations.create(visitorId, origin, request));
  }

  async generationEdit(visitorId: string, origin: string, id: string, request: EditRequest, network?: string) {
    this.account.know(network);
    return outcomeOf(() => this.generations.edit(visitorId, origin, id, request));
  }

  async generationRead(id: string) {
    return outcomeOf(() => this.generations.read(id));
  }

  async generationList(page: PageAsk) {
    return outcomeOf(() => this.generations.list(page));
  }

  async generationFollow(id: string) {
    return outcomeOf(() => this.generations.follow(id));
  }

  async generationCancel(id: string) {
    return outcomeOf(() => this.generations.cancel(id));
  }

  /** A resumable upload into the session: its record, with where its parts go in R2. */
  async uploadStart(visitorId: string, sessionId: string, file: { name: string; size: number }) {
    return outcomeOf(() => this.uploads.start(visitorId, sessionId, file));
  }

  async uploadRead(id: string) {
    return outcomeOf(() => this.uploads.read(id));
  }

  async uploadPartRecord(id: string, part: UploadedPart) {
    return outcomeOf(() => this.uploads.recordPart(id, part));
  }

  /** The upload is over (sent, or given up): what it left in R2 goes. */
  async uploadEnd(id: string) {
    return outcomeOf(() => this.uploads.end(id));
  }

  /** A file sent in one request takes a place among the uploads at once, before its body is read. */
  async directUploadStart(sessionId: string, bytes: number) {
    return outcomeOf(() => this.uploads.startDirect(sessionId, bytes));
  }

  async directUploadKeep(reservationId: string) {
    return outcomeOf(() => this.uploads.keepDirect(reservationId));
  }

  async directUploadEnd(reservationId: string) {
    return outcomeOf(() => this.uploads.endDirect(reservationId));
  }

  /** A page of the library, newest first (`page` from the route's `limit` and `after`). */
  async videoList(page: PageAsk = { limit: 100 }) {
    return outcomeOf(() => this.library.list(page));
  }

  /** A page of every video, newest first: the generations, and the library's videos no generation made (MCP list_videos). */
  async everyVideoList(page: PageAsk) {
    return outcomeOf(() => this.generations.everyVideo(this.library, page));
  }

  async videoRead(id: string) {
    return outcomeOf(() => this.library.read(id));
  }

  async videoDelete(id: string) {
    return outcomeOf(() => this.library.delete(id));
  }

  async videoShare(visitorId: string, id: string) {
    return outcomeOf(() => this.library.share(visitorId, id));
  }

  async videoUnshare(id: string) {
    return outcomeOf(() => this.library.unshare(id));
  }

  /** The page made the video's poster (the Worker put it in the bucket under `posterKey`). */
  async videoPosterSet(id: string, posterKey: string) {
    return outcomeOf(() => this.library.posterKept(id, posterKey));
  }

  /** The video behind a share page, while it is shared (asked by the public page, with no key). */
  async sharedVideoRead(shareId: string) {
    return outcomeOf(() => this.library.shared(shareId));
  }

  /** Forgets the visitor: each feature its own data (files in R2 and copies in KV included); then its keys are refused. */
  async visitorForget(visitorId: string) {
    return outcomeOf(async () => {
      await this.library.forget();
      await this.generations.forget();
      await this.exports.forget(visitorId);
      this.turns.forget();
      await this.uploads.forget();
      await this.sessions.forget();
      this.reservations.forget();
      this.idempotency.forget();
      await this.account.forget(visitorId);
    });
  }

  /** Idempotency-Key: new, or the first answer again; refused while the first is answered or for another body. */
  async idempotencyBegin(key: string, fingerprint: string) {
    return outcomeOf(async () => this.idempotency.begin(key, fingerprint));
  }

  /** Keeps a key's first answer; a message's (`turnOf` its session) is the turn it just started, the session's latest. */
  async idempotencyAnswer(key: string, answer: KeptAnswer, turnOf?: string) {
    return outcomeOf(() => {
      const turnId = turnOf && this.turns.latestIdIn(turnOf);
      this.idempotency.answer(key, turnOf && turnId ? { ...answer, turn: { sessionId: turnOf, turnId } } : answer);
    });
  }

  async idempotencyRelease(key: string) {
    return outcomeOf(() => this.idempotency.release(key));
  }

  /** A turn's stream from its first event: a keyed message answered again. */
  async turnReplay(sessionId: string, turnId: string) {
    return outcomeOf(async () => this.turns.follow(sessionId, 0, turnId) ?? replayed([]));
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
