import type { StreamEvent } from "../sse";
import type { DoneReason, TurnEvent } from "./schema";

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
 * The chat's tables in the visitor's Durable Object: each turn (its message, the reply written to it), every
 * event it sent (numbered by an id that only grows, for resuming), and the day's count of messages on the shared
 * account. No other file reads or writes them.
 */
export class ChatTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS turns (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, message TEXT NOT NULL,
        status TEXT NOT NULL, reason TEXT, reply TEXT NOT NULL DEFAULT '', started_at INTEGER NOT NULL, ended_at INTEGER);
      CREATE INDEX IF NOT EXISTS turns_by_session ON turns (session_id, started_at);
      CREATE TABLE IF NOT EXISTS turn_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, turn_id TEXT NOT NULL,
        event TEXT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS turn_events_by_turn ON turn_events (turn_id, seq);
      CREATE TABLE IF NOT EXISTS daily_turns (day TEXT PRIMARY KEY, count INTEGER NOT NULL);
    `);
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

  /** Turns marked running in storage. */
  running(): TurnRow[] {
    return this.sql.exec("SELECT * FROM turns WHERE status = 'running'").toArray().map(toTurn);
  }

  /** Keeps an event under the next id (and a text event's words in the reply); answers the id. */
  addEvent(turnId: string, event: TurnEvent): number {
    const [row] = this.sql
      .exec("INSERT INTO turn_events (turn_id, event, data) VALUES (?, ?, ?) RETURNING seq", turnId, event.event, JSON.stringify(event.data))
      .toArray();
    if (event.event === "text") this.sql.exec("UPDATE turns SET reply = reply || ? WHERE id = ?", event.data.text, turnId);
    return Number(row!.seq);
  }

  eventsAfter(turnId: string, after: number): StreamEvent[] {
    return this.sql
      .exec("SELECT * FROM turn_events WHERE turn_id = ? AND seq > ? ORDER BY seq", turnId, after)
      .toArray()
      .map((row) => ({ id: Number(row.seq), event: String(row.event), data: JSON.parse(String(row.data)) }));
  }

  /** The last error a turn reported, if any. */
  lastError(turnId: string): { code: string; message: string; link?: string } | undefined {
    const [row] = this.sql
      .exec("SELECT data FROM turn_events WHERE turn_id = ? AND event = 'error' ORDER BY seq DESC LIMIT 1", turnId)
      .toArray();
    return row ? JSON.parse(String(row.data)) : undefined;
  }

  finish(turnId: string, reason: DoneReason, endedAt: number): void {
    this.sql.exec("UPDATE turns SET status = 'done', reason = ?, ended_at = ? WHERE id = ?", reason, endedAt, turnId);
  }

  /** Forgets the events of turns that ended before `before` (their message and reply stay). */
  deleteEventsEndedBefore(before: number): void {
    this.sql.exec(
      "DELETE FROM turn_events WHERE turn_id IN (SELECT id FROM turns WHERE status = 'done' AND ended_at < ?)",
      before,
    );
  }

  /** Forgets the turns of sessions that are gone. */
  deleteTurnsOutside(sessionIds: Set<string>): void {
    this.sql.exec("DELETE FROM turns WHERE session_id NOT IN (SELECT value FROM json_each(?))", JSON.stringify([...sessionIds]));
  }

  /** Counts one message of `day` against `limit`; false, counting nothing, once the day's are used up. */
  takeTurn(day: string, limit: number): boolean {
    const [used] = this.sql.exec("SELECT count FROM daily_turns WHERE day = ?", day).toArray();
    if (Number(used?.count ?? 0) >= limit) return false;
    this.sql.exec("DELETE FROM daily_turns WHERE day <> ?", day);
    this.sql.exec("INSERT INTO daily_turns VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET count = count + 1", day);
    return true;
  }

  /** When each turn started since `since` was started, oldest first. */
  startedSince(since: number): number[] {
    return this.sql
      .exec("SELECT started_at FROM turns WHERE started_at > ? ORDER BY started_at", since)
      .toArray()
      .map((row) => Number(row.started_at));
  }

  /** Forgets every turn, its events, and the day's count. */
  deleteAll(): void {
    this.sql.exec("DELETE FROM turn_events; DELETE FROM turns; DELETE FROM daily_turns;");
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
