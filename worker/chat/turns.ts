import { DailyAllowance, today, tomorrow } from "../allowance";
import { AppError, toAppError } from "../errors";
import { languageOf } from "../language";
import { upstreamEvents } from "../nemo/events";
import type { Held, Reservation } from "../reservations";
import type { Scope } from "../scope";
import type { SessionRecord, SessionView } from "../sessions/schema";
import { recovering } from "../sessions/lost";
import { readSession, type Sessions } from "../sessions/sessions";
import { describeChanges } from "../sessions/timeline";
import { asEnded } from "./replay";
import { replayed, type StreamEvent } from "../sse";
import type { Account } from "../account/account";
import { Journal } from "./journal";
import { dailyMessagesSent, interruptedByRestart, replyBeingWritten, tooFast } from "./refusals";
import { errorEvent, relayTurn } from "./relay";
import type { DoneReason, HistoryMessage, TurnEvent } from "./schema";
import { ChatTable, type TurnRow } from "./table";

/** A finished turn's events are kept this long for a late reconnect; its message and reply stay as history. */
export const FINISHED_EVENTS_KEPT_MS = 60 * 60_000;
/** While a turn runs, the alarm fires this often: an object with work in flight is never idle long enough to be evicted. */
const KEEP_AWAKE_MS = 30_000;

const topic = (turnId: string) => `turn:${turnId}`;

/**
 * Chat turns, run inside the visitor's Durable Object: the upstream stream is read to its end whether or not
 * anybody listens, every event gets an id that only grows, goes out to the listeners at once and is kept for
 * resuming (`Journal`), and each listener (the tab that sent the message, a reloaded tab, a second tab) gets
 * what it missed, then the rest live.
 */
export class Turns {
  private readonly table: ChatTable;
  private readonly journal: Journal;
  /** The visitor's messages today on the operator's shared account. */
  private readonly allowance: DailyAllowance;
  /** Turns running in this instance (one marked running in storage but not here died with a restart). */
  private readonly live = new Set<string>();
  /** Turns still running when their visitor was forgotten: read to their end, kept nowhere. */
  private readonly dropped = new Set<string>();
  /** How to stop waiting for each running turn's reply (the person's Cancel). */
  private readonly stops = new Map<string, AbortController>();

  constructor(
    private readonly scope: Scope,
    private readonly sessions: Sessions,
    private readonly account: Account,
  ) {
    this.table = new ChatTable(scope.sql);
    this.allowance = new DailyAllowance(scope.sql);
    this.journal = new Journal(this.table, scope.config.TURN_BATCH_MS);
    scope.schedule.define("keepalive", {
      run: () =>
        this.live.size > 0
          ? scope.schedule.at("keepalive", Date.now() + KEEP_AWAKE_MS)
          : scope.schedule.cancel("keepalive"),
    });
  }

  /**
   * A message from the person: refused while a reply is being written in the session (or is about to be), past
   * `MESSAGES_PER_MINUTE`, and, on the operator's shared account, once the visitor or its network has used the
   * day's allowance. Answers the turn's stream.
   */
  async begin(visitorId: string, sessionId: string, message: string): Promise<ReadableStream<Uint8Array>> {
    const session = this.sessions.read(sessionId);
    const reservation = this.reserve(sessionId, { paced: true });
    try {
      await this.allow();
      const turn = this.start(visitorId, session, message);
      reservation.confirm();
      return this.scope.live.follow(topic(turn.id), []);
    } finally {
      reservation.release();
    }
  }

  /**
   * Holds the session's next turn while what it needs is asked elsewhere: refused while a reply is being written
   * there or about to be, and, for a person's message (`paced`), past `MESSAGES_PER_MINUTE`.
   */
  reserve(sessionId: string, { paced }: { paced: boolean }): Reservation {
    return this.scope.reservations.reserve("turn", (starting) => this.refusal(sessionId, starting, paced), { subject: sessionId });
  }

  /**
   * Starts a turn in a session reserved for it (`reserve`; the caller confirms the reservation right after, in the
   * same synchronous stretch). The message goes to NemoVideo once; nothing here ever sends it again. Listeners
   * follow it with `follow`, other features with `watch`.
   */
  start(visitorId: string, session: SessionRecord, message: string): TurnRow {
    const turn: TurnRow = { id: crypto.randomUUID(), sessionId: session.id, message, status: "running", reply: "", startedAt: Date.now() };
    this.table.insert(turn);
    this.live.add(turn.id);
    void this.scope.schedule.atLatest("keepalive", Date.now() + KEEP_AWAKE_MS);
    this.run(visitorId, session, turn).catch((error) =>
      console.error("a turn's end was not recorded", error instanceof Error ? error.message : error),
    );
    return turn;
  }

  /** Whether a reply is being written in the session now, or is about to be. */
  busy(sessionId: string): boolean {
    return Boolean(this.refusal(sessionId, this.scope.reservations.held("turn"), false));
  }

  /**
   * On the operator's shared account, takes one message of the day's allowance: the visitor's (`VISITOR_DAILY_TURNS`)
   * and its network's (`NETWORK_DAILY_TURNS`); refused with `quota_exceeded` once either is used up.
   */
  async allow(): Promise<void> {
    const { NEMO_TOKEN, VISITOR_DAILY_TURNS } = this.scope.config;
    if (!NEMO_TOKEN) return;
    const day = today();
    if (!this.allowance.take(day, VISITOR_DAILY_TURNS)) throw dailyMessagesSent(VISITOR_DAILY_TURNS, tomorrow());
    try {
      await this.account.takeNetworkTurn(day);
    } catch (error) {
      this.allowance.giveBack(day);
      throw error;
    }
  }

  /** Calls `watcher` with every event of a running turn, `done` last. */
  watch(turnId: string, watcher: (event: StreamEvent) => void): void {
    this.scope.live.watch(topic(turnId), watcher);
  }

  find(id: string): TurnRow | undefined {
    return this.table.find(id);
  }

  lastError(id: string) {
    return this.table.lastError(id);
  }

  /**
   * The session's latest turn, from the event after `after`: what it sent so far (written or still in memory),
   * then live events while it runs. Undefined when there is nothing to resume (no turn, or a finished one already
   * seen to its end). `turnId` names another turn of the session than its latest.
   */
  follow(sessionId: string, after = 0, turnId?: string): ReadableStream<Uint8Array> | undefined {
    this.sessions.read(sessionId);
    const turn = turnId ? this.table.find(turnId) : this.table.latestIn(sessionId);
    if (!turn) return undefined;
    const replay = this.journal.after(turn.id, after);
    if (this.live.has(turn.id)) return this.scope.live.follow(topic(turn.id), replay);
    // A turn named (a keyed message sent again) whose events were swept: its reply as the conversation keeps it.
    return replay.length ? replayed(replay) : turnId ? replayed(asEnded(turn)) : undefined;
  }

  /** The id of the session's latest turn (the one a message just started). */
  latestIdIn(sessionId: string): string | undefined {
    return this.table.latestIn(sessionId)?.id;
  }

  /** The conversation so far in a session: each message and the reply written to it. */
  history(sessionId: string): { messages: HistoryMessage[]; running: boolean; runningSince?: number } {
    this.sessions.read(sessionId);
    const turns = this.table.allIn(sessionId);
    const messages: HistoryMessage[] = [];
    for (const turn of turns) {
      const stopped = turn.reason === "cancelled" ? { stopped: true as const } : {};
      messages.push({ role: "user", text: turn.message, at: turn.startedAt, ...stopped });
      const reply = turn.status === "running" ? this.journal.reply(turn.id) : turn.reply;
      if (reply) messages.push({ role: "assistant", text: reply, at: turn.endedAt ?? turn.startedAt, ...stopped });
    }
    const running = turns.find((turn) => turn.status === "running");
    return { messages, running: Boolean(running), ...(running ? { runningSince: running.startedAt } : {}) };
  }

  /** A session's title for a list of conversations: its first message, cut to a line. */
  title(sessionId: string): string | undefined {
    const first = this.table.firstMessageIn(sessionId);
    return first && (first.length > 60 ? `${first.slice(0, 59).trimEnd()}…` : first);
  }

  /**
   * After a restart: a turn still marked running lost its connection to NemoVideo with the object's memory.
   * It ends now, in words, so that no page waits for it forever.
   */
  endOrphans(): void {
    for (const turn of this.table.running()) {
      if (this.live.has(turn.id)) continue;
      this.send(turn, errorEvent(interruptedByRestart()));
      this.finish(turn, "interrupted");
    }
  }

  /** Forgets the events of turns that ended long ago (their message and reply stay), and turns of gone sessions. */
  sweep(sessionIds: Set<string>, now = Date.now()): void {
    this.table.deleteEventsEndedBefore(now - FINISHED_EVENTS_KEPT_MS);
    this.table.deleteTurnsOutside(sessionIds);
  }

  /** The visitor asked to be forgotten: every turn and event goes; a turn still running is dropped, unheard. */
  forget(): void {
    for (const id of this.live) {
      this.dropped.add(id);
      this.journal.drop(id);
      this.scope.live.end(topic(id));
    }
    this.live.clear();
    this.table.deleteAll();
    this.allowance.forget();
  }

  /** Why no turn may start in the session now (`starting` are those about to), or undefined. */
  private refusal(sessionId: string, starting: Held[], paced: boolean, now = Date.now()): AppError | undefined {
    if (this.table.runningIn(sessionId) || starting.some((each) => each.subject === sessionId)) return replyBeingWritten();
    if (!paced) return undefined;
    const limit = this.scope.config.MESSAGES_PER_MINUTE;
    const recent = [...this.table.startedSince(now - 60_000), ...starting.map((each) => each.takenAt)].sort((a, b) => a - b);
    return recent.length < limit ? undefined : tooFast(limit, recent[recent.length - limit] + 60_000, now);
  }

  private async run(visitorId: string, session: SessionRecord, turn: TurnRow): Promise<void> {
    const config = this.scope.config;
    const nemo = this.account.client(visitorId);
    let reason: DoneReason = "error";
    try {
      const before = readSession(nemo, session).catch(() => undefined);
      const upstream = await recovering(
        session,
        (current) => {
          session = current;
          return nemo.runTurn(current.upstreamId, turn.message);
        },
        (stale) => this.sessions.replace(visitorId, stale.id, stale.upstreamId),
      );
      // Cancel stops reading NemoVideo's stream; what the relay says of the cut is not the person's news.
      const stop = new AbortController();
      this.stops.set(turn.id, stop);
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      upstream.events.pipeTo(writable, { signal: stop.signal }).catch(() => {});
      const send = (event: TurnEvent) => (stop.signal.aborted ? undefined : this.send(turn, event));
      const result = await relayTurn(upstreamEvents(readable), send, {
        language: languageOf(session.language),
        caller: upstream.caller,
        workingMs: config.WORKING_NOTICE_MS,
        capMs: config.TURN_CAP_MS,
      });
      reason = stop.signal.aborted ? "cancelled" : result.reason;
      if (result.lostSession) await this.sessions.replace(visitorId, session.id, session.upstreamId);
      else {
        const after = await readSession(nemo, session).catch(() => undefined);
        const timeline = timelineEvent(await before, after, session.language);
        if (timeline) this.send(turn, timeline);
      }
    } catch (error) {
      this.send(turn, errorEvent(toAppError(error)));
      reason = "error";
    }
    this.stops.delete(turn.id);
    this.finish(turn, reason);
  }

  /**
   * The person stops waiting for the reply being written in the session: its stream ends with `done`
   * (`cancelled`), and the timeline as it then stands. False when no reply is being written here.
   */
  cancel(sessionId: string): boolean {
    this.sessions.read(sessionId);
    const turn = this.table.runningIn(sessionId);
    const stop = turn && this.stops.get(turn.id);
    if (!stop) return false;
    stop.abort();
    return true;
  }

  /** Hands an event, with its id, to whoever follows the turn; the journal keeps it for the next batch. */
  private send(turn: TurnRow, event: TurnEvent): void {
    if (this.dropped.has(turn.id)) return;
    this.scope.live.publish(topic(turn.id), this.journal.add(turn.id, event));
  }

  /**
   * The turn's end: its last event (`done`) is written with whatever still waits and the turn's row in one commit,
   * and only then sent, so that a turn a page saw end is never lost; its followers' streams close.
   */
  private finish(turn: TurnRow, reason: DoneReason): void {
    if (this.dropped.delete(turn.id)) return;
    const done = this.journal.add(turn.id, { event: "done", data: { reason } });
    this.journal.end(turn.id, reason, Date.now());
    this.scope.live.publish(topic(turn.id), done);
    this.live.delete(turn.id);
    this.scope.live.end(topic(turn.id));
  }
}

/** After a turn: the timeline as it now stands, and what the turn changed. */
function timelineEvent(before: SessionView | undefined, after: SessionView | undefined, language?: string): TurnEvent | undefined {
  if (!after) return undefined;
  const changed = before ? describeChanges(before.timeline, after.timeline, language) : [];
  return { event: "timeline", data: { summary: after.summary, changed } };
}
