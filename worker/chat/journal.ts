import type { StreamEvent } from "../sse";
import type { DoneReason, TurnEvent } from "./schema";
import type { ChatTable } from "./table";

/** A batch is also written once it holds this many events, whatever the time. */
const BATCH_EVENTS = 64;
/** Ids are reserved in storage this many at a time, so that a restart never hands out an id a page already saw. */
const ID_BLOCK = 1024;

interface Unwritten {
  events: StreamEvent[];
}

/**
 * The events of the turns running in one visitor's Durable Object, between the live channel and storage. Each
 * event gets the next id and goes to the followers at once; the copy kept for resuming is written in batches
 * (every `batchMs`, every 64 events, and at the turn's end), because each write is a durable commit, and
 * everything the object sends waits behind its commits. Until then the unwritten events are served from memory,
 * so a follower that comes back gets everything after its last id, written or not. A running turn's reply so far
 * is kept in memory too and written once, with the turn's end: a batch is one row, never an update of the turn's
 * (after a restart the reply is read back from the batches). A restart loses at most the unwritten batch of a
 * running turn; a finished turn is written whole.
 *
 * @example
 * const event = journal.add(turnId, { event: "text", data: { text: "Hello" } });
 * live.publish(topic, event); // then it is written with the next batch
 * journal.after(turnId, 0); // [event], from memory or storage
 */
export class Journal {
  private readonly unwritten = new Map<string, Unwritten>();
  /** The reply so far of each turn running here. */
  private readonly replies = new Map<string, string>();
  private nextId: number;
  private reserved: number;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly table: ChatTable,
    private readonly batchMs: number,
  ) {
    this.nextId = this.reserved = Math.max(1, table.reservedIds());
  }

  /** Gives `event` the next id and keeps it for the next batch of `turnId`. */
  add(turnId: string, event: TurnEvent): StreamEvent {
    if (this.nextId >= this.reserved) this.table.reserveIds((this.reserved = this.nextId + ID_BLOCK));
    const numbered: StreamEvent = { id: this.nextId++, event: event.event, data: event.data };
    let batch = this.unwritten.get(turnId);
    if (!batch) this.unwritten.set(turnId, (batch = { events: [] }));
    batch.events.push(numbered);
    if (event.event === "text") this.replies.set(turnId, (this.replies.get(turnId) ?? "") + event.data.text);
    // Written on a later tick, never in the stretch that publishes the event: the event must not wait for it.
    const wait = batch.events.length >= BATCH_EVENTS ? 0 : this.batchMs;
    if (this.timer === undefined || wait === 0) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.writeAll(), wait);
    }
    return numbered;
  }

  /** The turn's events after `after`: those written, then those still in memory. */
  after(turnId: string, after: number): StreamEvent[] {
    const waiting = this.unwritten.get(turnId)?.events.filter((event) => Number(event.id) > after) ?? [];
    return [...this.table.eventsAfter(turnId, after), ...waiting];
  }

  /** A running turn's reply so far: from memory, or from its written batches when it ran in an earlier instance. */
  reply(turnId: string): string {
    return this.replies.get(turnId) ?? this.table.replyOf(turnId);
  }

  /** Writes the turn's waiting events now, without ending it. */
  write(turnId: string): void {
    const batch = this.unwritten.get(turnId);
    if (!batch) return;
    this.unwritten.delete(turnId);
    this.table.addEvents(turnId, batch.events);
    if (this.unwritten.size === 0) this.stopTimer();
  }

  /** The turn's end: its waiting events and its reply written in the same commit as the row's end. */
  end(turnId: string, reason: DoneReason, endedAt: number): void {
    const reply = this.reply(turnId);
    this.write(turnId);
    this.replies.delete(turnId);
    this.table.finish(turnId, reason, endedAt, reply);
  }

  /** Lets the turn's waiting events go unwritten (its visitor asked to be forgotten). */
  drop(turnId: string): void {
    this.unwritten.delete(turnId);
    this.replies.delete(turnId);
    if (this.unwritten.size === 0) this.stopTimer();
  }

  private writeAll(): void {
    this.timer = undefined;
    for (const turnId of [...this.unwritten.keys()]) this.write(turnId);
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
