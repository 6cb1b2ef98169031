import type { StreamEvent } from "../sse";
import type { DoneReason } from "./schema";
import { migrate } from "../migrations";

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

/**
 * The chat's tables in the visitor's Durable Object: each turn (its message, the reply written to it at its end), the events
 * it sent, kept in batches (a row per batch, each event with its id, for resuming), and the ids handed out so far.
 * No other file reads or writes them. (The day's count of messages on the shared account is a DailyAllowance.)
 */
export class ChatTable {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, "chat", [
      () => {
        sql.exec(`
          CREATE TABLE IF NOT EXISTS turns (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, message TEXT NOT NULL,
            status TEXT NOT NULL, reason TEXT, reply TEXT NOT NULL DEFAULT '', started_at INTEGER NOT NULL, ended_at INTEGER);
          CREATE INDEX IF NOT EXISTS turns_by_session ON turns (session_id, started_at);
          CREATE TABLE IF NOT EXISTS turn_batches (turn_id TEXT NOT NULL, last_id INTEGER NOT NULL, events TEXT NOT NULL,
            PRIMARY KEY (turn_id, last_id)) WITHOUT ROWID;
          CREATE TABLE IF NOT EXISTS event_ids (reserved INTEGER NOT NULL);
          DROP TABLE IF EXISTS daily_turns;
        `);
        this.replaceEventRows();
      },
    ]);
  }

  insert(turn: TurnRow): void {
    this.sql.exec(
      "INSERT INTO turns (id, session_id, message, status, started_at) VALUES (?, ?, ?, 'running', ?)",
      turn.id,
      turn.sessionId,
      turn.message,
      turn.startedAt,
    );
  }

  find(id: string): TurnRow | undefined {
    return this.one("SELECT * FROM turns WHERE id = ?", id);
  }

  runningIn(sessionId: string): TurnRow | undefined {
    return this.one("SELECT * FROM turns WHERE session_id = ? AND status = 'running'", sessionId);
  }

  latestIn(sessionId: string): TurnRow | undefined {
    return this.one("SELECT * FROM turns WHERE session_id = ? ORDER BY started_at DESC LIMIT 1", sessionId);
  }

  /** A session's turns, oldest first. */
  allIn(sessionId: string): TurnRow[] {
    return this.sql.exec("SELECT * FROM turns WHERE session_id = ? ORDER BY started_at", sessionId).toArray().map(toTurn);
  }

  /** The first message sent in a session. */
  firstMessageIn(sessionId: string): string | undefined {
    const [row] = this.sql.exec("SELECT message FROM turns WHERE session_id = ? ORDER BY started_at LIMIT 1", sessionId).toArray();
    return row ? String(row.message) : undefined;
  }

  /** Turns marked running in storage. */
  running(): TurnRow[] {
    return this.sql.exec("SELECT * FROM turns WHERE status = 'running'").toArray().map(toTurn);
  }

  /** Event ids below this one may have been handed out already (0: none yet). */
  reservedIds(): number {
    const [row] = this.sql.exec("SELECT reserved FROM event_ids").toArray();
    return Number(row?.reserved ?? 0);
  }

  reserveIds(below: number): void {
    this.sql.exec("DELETE FROM event_ids");
    this.sql.exec("INSERT INTO event_ids VALUES (?)", below);
  }

  /** Keeps a batch of a turn's events (ids ascending) in one row. */
  addEvents(turnId: string, events: StreamEvent[]): void {
    if (events.length === 0) return;
    this.sql.exec("INSERT INTO turn_batches VALUES (?, ?, ?)", turnId, Number(events.at(-1)!.id), JSON.stringify(events));
  }

  /** A turn's reply as its written batches tell it (the turn's row gets its reply when it ends). */
  replyOf(turnId: string): string {
    return this.eventsAfter(turnId, 0)
      .filter((event) => event.event === "text")
      .map((event) => (event.data as { text: string }).text)
      .join("");
  }

  eventsAfter(turnId: string, after: number): StreamEvent[] {
    return this.sql
      .exec("SELECT events FROM turn_batches WHERE turn_id = ? AND last_id > ? ORDER BY last_id", turnId, after)
      .toArray()
      .flatMap((row) => JSON.parse(String(row.events)) as StreamEvent[])
      .filter((event) => Number(event.id) > after);
  }

  /** The last error a turn reported, if any. */
  lastError(turnId: string): { code: string; message: string; link?: string } | undefined {
    const error = this.eventsAfter(turnId, 0).findLast((event) => event.event === "error");
    return error?.data as { code: string; message: string; link?: string } | undefined;
  }

  finish(turnId: string, reason: DoneReason, endedAt: number, reply: string): void {
    this.sql.exec("UPDATE turns SET status = 'done', reason = ?, ended_at = ?, reply = ? WHERE id = ?", reason, endedAt, reply, turnId);
  }

  /** Forgets the events of turns that ended before `before` (their message and reply stay), and of forgotten turns. */
  deleteEventsEndedBefore(before: number): void {
    this.sql.exec(
      `DELETE FROM turn_batches WHERE turn_id NOT IN (SELECT id FROM turns)
        OR turn_id IN (SELECT id FROM turns WHERE status = 'done' AND ended_at < ?)`,
      before,
    );
  }

  /** Forgets the turns of sessions that are gone. */
  deleteTurnsOutside(sessionIds: Set<string>): void {
    this.sql.exec("DELETE FROM turns WHERE session_id NOT IN (SELECT value FROM json_each(?))", JSON.stringify([...sessionIds]));
  }

  /** When each turn started since `since` was started, oldest first. */
  startedSince(since: number): number[] {
    return this.sql
      .exec("SELECT started_at FROM turns WHERE started_at > ? ORDER BY started_at", since)
      .toArray()
      .map((row) => Number(row.started_at));
  }

  /** Forgets every turn and its events (ids go on growing: a page may still hold one). */
  deleteAll(): void {
    this.sql.exec("DELETE FROM turn_batches; DELETE FROM turns;");
  }


  /**
   * Objects made before events were kept in batches had a row per event (`turn_events`): those events (an hour's
   * worth at most) are let go, and new ids start above theirs, so that a page holding an old id misses nothing.
   */
  private replaceEventRows(): void {
    if (!this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'turn_events'").toArray().length) return;
    const [row] = this.sql.exec("SELECT max(seq) AS last FROM turn_events").toArray();
    this.reserveIds(Math.max(this.reservedIds(), Number(row?.last ?? 0) + 1));
    this.sql.exec("DROP TABLE turn_events");
  }

  private one(query: string, ...bindings: SqlStorageValue[]): TurnRow | undefined {
    const [row] = this.sql.exec(query, ...bindings).toArray();
    return row ? toTurn(row) : undefined;
  }
}

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
