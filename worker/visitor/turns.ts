import type { Config } from "../config";
import { AppError, toAppError } from "../errors";
import type { NemoClient } from "../nemo/client";
import { upstreamEvents } from "../nemo/events";
import { readSession, type SessionView } from "../sessions/state";
import { describeChanges } from "../sessions/timeline";
import type { DoneReason, HistoryMessage, TurnEvent } from "../chat/events";
import { errorEvent, relayTurn, type TurnSink } from "../chat/relay";
import { languageOf } from "../chat/translate";
import { LiveChannel, type StreamEvent } from "./live";
import type { SessionRecord } from "./records";

export const TURN_TABLES = `
  CREATE TABLE IF NOT EXISTS turns (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, message TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT, reply TEXT NOT NULL DEFAULT '', started_at INTEGER NOT NULL, ended_at INTEGER);
  CREATE INDEX IF NOT EXISTS turns_by_session ON turns (session_id, started_at);
  CREATE TABLE IF NOT EXISTS turn_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, turn_id TEXT NOT NULL,
    event TEXT NOT NULL, data TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS turn_events_by_turn ON turn_events (turn_id, seq);
`;

/** A finished turn's events are kept this long for a late reconnect; its message and reply stay as history. */
export const FINISHED_EVENTS_KEPT_MS = 60 * 60_000;

export interface TurnRow {
  id: string;
  sessionId: string;
  message: string;
  status: "running" | "done";
  reason?: DoneReason;
  reply: string;
  startedAt: number;
  endedAt?: number;
}


/** What the turns need from the Durable Object that runs them. */
export interface TurnHost {
  readonly config: Config;
  client(visitorId: string): NemoClient;
  sessionNow(id: string): SessionRecord | null;
  replaceUpstream(visitorId: string, id: string, staleUpstreamId: string): Promise<unknown>;
  /** Keeps the object awake while a turn runs with nobody connected. */
  keepAwake(): Promise<void>;
  /** Told of every event of every turn, as it is stored. */
  turnEvent(turn: TurnRow, event: TurnEvent): void;
  /** Told when a turn has ended, whoever started it. */
  turnEnded(turn: TurnRow): Promise<void>;
}

/**
 * Chat turns, run inside the visitor's Durable Object: the upstream stream is read to its end whether or not
 * anybody listens, every event is stored with an id that only grows, and each listener (the tab that sent the
 * message, a reloaded tab, a second tab) gets what it missed, then the rest live.
 */
export class Turns {
  private readonly channels = new Map<string, LiveChannel>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly host: TurnHost,
  ) {}

  /** True while a turn runs in this object (a turn marked running in storage but not here died with a restart). */
  get active(): boolean {
    return this.channels.size > 0;
  }

  running(sessionId: string): TurnRow | undefined {
    const [row] = this.sql.exec("SELECT * FROM turns WHERE session_id = ? AND status = 'running'", sessionId).toArray();
    return row ? toTurn(row) : undefined;
  }

  /** The last error a turn reported, if any. */
  lastError(id: string): { code: string; message: string; link?: string } | undefined {
    const [row] = this.sql
      .exec("SELECT data FROM turn_events WHERE turn_id = ? AND event = 'error' ORDER BY seq DESC LIMIT 1", id)
      .toArray();
    return row ? JSON.parse(String(row.data)) : undefined;
  }

  find(id: string): TurnRow | undefined {
    const [row] = this.sql.exec("SELECT * FROM turns WHERE id = ?", id).toArray();
    return row ? toTurn(row) : undefined;
  }

  /**
   * Starts a turn and returns its first listener's stream (none when `listen` is false: a generation's turn).
   * The caller has checked that none runs in the session. The message goes to NemoVideo once; nothing here ever
   * sends it again.
   */
  start(visitorId: string, record: SessionRecord, message: string, listen = true): { turn: TurnRow; stream?: ReadableStream<Uint8Array> } {
    const turn: TurnRow = {
      id: crypto.randomUUID(),
      sessionId: record.id,
      message,
      status: "running",
      reply: "",
      startedAt: Date.now(),
    };
    this.sql.exec(
      "INSERT INTO turns (id, session_id, message, status, started_at) VALUES (?, ?, ?, 'running', ?)",
      turn.id,
      turn.sessionId,
      message,
      turn.startedAt,
    );
    const channel = new LiveChannel(this.host.config.KEEPALIVE_MS);
    this.channels.set(turn.id, channel);
    const stream = listen ? channel.open([]) : undefined;
    void this.host.keepAwake();
    this.run(visitorId, record, turn, channel).catch((error) =>
      console.error("a turn's end was not recorded", error instanceof Error ? error.message : error),
    );
    return { turn, stream };
  }

  /**
   * The session's latest turn, from the event after `after`: stored events first, then live ones while it runs.
   * Undefined when there is nothing to resume (no turn, or a finished one already seen to its end).
   */
  follow(sessionId: string, after = 0): ReadableStream<Uint8Array> | undefined {
    const [latest] = this.sql
      .exec("SELECT * FROM turns WHERE session_id = ? ORDER BY started_at DESC LIMIT 1", sessionId)
      .toArray();
    if (!latest) return undefined;
    const turn = toTurn(latest);
    const replay = this.sql
      .exec("SELECT * FROM turn_events WHERE turn_id = ? AND seq > ? ORDER BY seq", turn.id, after)
      .toArray()
      .map((row): StreamEvent => ({ id: Number(row.seq), event: String(row.event), data: JSON.parse(String(row.data)) }));
    const channel = this.channels.get(turn.id);
    if (channel) return channel.open(replay);
    return replay.length ? new LiveChannel(0).open(replay, true) : undefined;
  }

  /** The conversation so far in a session: each message and the reply written to it. */
  history(sessionId: string): { messages: HistoryMessage[]; running: boolean } {
    const turns = this.sql
      .exec("SELECT * FROM turns WHERE session_id = ? ORDER BY started_at", sessionId)
      .toArray()
      .map(toTurn);
    const messages: HistoryMessage[] = [];
    for (const turn of turns) {
      messages.push({ role: "user", text: turn.message, at: turn.startedAt });
      if (turn.reply) messages.push({ role: "assistant", text: turn.reply, at: turn.endedAt ?? turn.startedAt });
    }
    return { messages, running: turns.some((turn) => turn.status === "running") };
  }

  /**
   * After a restart: a turn still marked running lost its connection to NemoVideo with the object's memory.
   * It ends now, in words, so that no page waits for it forever.
   */
  async endOrphans(): Promise<void> {
    for (const row of this.sql.exec("SELECT * FROM turns WHERE status = 'running'").toArray()) {
      const turn = toTurn(row);
      if (this.channels.has(turn.id)) continue;
      this.store(turn, errorEvent(interruptedByRestart()));
      this.store(turn, { event: "done", data: { reason: "interrupted" } });
      await this.finish(turn, "interrupted");
    }
  }

  /** Forgets the events of turns that ended long ago (their message and reply stay), and turns of gone sessions. */
  sweep(now = Date.now()): void {
    this.sql.exec(
      "DELETE FROM turn_events WHERE turn_id IN (SELECT id FROM turns WHERE status = 'done' AND ended_at < ?)",
      now - FINISHED_EVENTS_KEPT_MS,
    );
    this.sql.exec("DELETE FROM turns WHERE session_id NOT IN (SELECT id FROM sessions)");
  }

  private async run(visitorId: string, record: SessionRecord, turn: TurnRow, channel: LiveChannel): Promise<void> {
    const config = this.host.config;
    const nemo = this.host.client(visitorId);
    const sink: TurnSink = (event) => this.store(turn, event, channel);
    let reason: DoneReason = "error";
    try {
      const before = readSession(nemo, record).catch(() => undefined);
      const upstream = await nemo.runTurn(record.upstreamId, turn.message).catch(async (error) => {
        if (error instanceof AppError && error.code === "session_lost")
          await this.host.replaceUpstream(visitorId, record.id, record.upstreamId);
        throw error;
      });
      const result = await relayTurn(upstreamEvents(upstream.events), sink, {
        language: languageOf(record.language),
        caller: upstream.caller,
        workingMs: config.WORKING_NOTICE_MS,
        capMs: config.TURN_CAP_MS,
      });
      reason = result.reason;
      if (result.lostSession) await this.host.replaceUpstream(visitorId, record.id, record.upstreamId);
      else {
        const after = await readSession(nemo, record).catch(() => undefined);
        const timeline = timelineEvent(await before, after, record.language);
        if (timeline) this.store(turn, timeline, channel);
      }
    } catch (error) {
      this.store(turn, errorEvent(toAppError(error)), channel);
      reason = "error";
    }
    this.store(turn, { event: "done", data: { reason } }, channel);
    channel.end();
    this.channels.delete(turn.id);
    await this.finish(turn, reason);
  }

  /** Keeps an event with its id and hands it to whoever listens. */
  private store(turn: TurnRow, event: TurnEvent, channel?: LiveChannel): void {
    const [row] = this.sql
      .exec(
        "INSERT INTO turn_events (turn_id, event, data) VALUES (?, ?, ?) RETURNING seq",
        turn.id,
        event.event,
        JSON.stringify(event.data),
      )
      .toArray();
    if (event.event === "text")
      this.sql.exec("UPDATE turns SET reply = reply || ? WHERE id = ?", event.data.text, turn.id);
    channel?.publish({ id: Number(row!.seq), event: event.event, data: event.data });
    this.host.turnEvent(turn, event);
  }

  private async finish(turn: TurnRow, reason: DoneReason): Promise<void> {
    const endedAt = Date.now();
    this.sql.exec("UPDATE turns SET status = 'done', reason = ?, ended_at = ? WHERE id = ?", reason, endedAt, turn.id);
    await this.host.turnEnded({ ...this.find(turn.id)!, endedAt });
  }
}

/** After a turn: the timeline as it now stands, and what the turn changed. */
function timelineEvent(before: SessionView | undefined, after: SessionView | undefined, language?: string): TurnEvent | undefined {
  if (!after) return undefined;
  const changed = before ? describeChanges(before.timeline, after.timeline, language) : [];
  return { event: "timeline", data: { summary: after.summary, changed } };
}

const interruptedByRestart = () =>
  new AppError(
    "upstream_unavailable",
    "Our server restarted while this reply was being written, so the rest of it was lost. NemoVideo may still have finished the work: the timeline shows where it stands.",
  );

function toTurn(row: Record<string, SqlStorageValue>): TurnRow {
  return {
    id: String(row.id),
    sessionId: String(row.session_id),
    message: String(row.message),
    status: row.status === "running" ? "running" : "done",
    reason: row.reason == null ? undefined : (String(row.reason) as DoneReason),
    reply: String(row.reply ?? ""),
    startedAt: Number(row.started_at),
    endedAt: row.ended_at == null ? undefined : Number(row.ended_at),
  };
}
