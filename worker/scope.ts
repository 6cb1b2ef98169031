import type { Bindings, Config } from "./config";
import type { UsualDurations } from "./estimates";
import type { Reservations } from "./reservations";
import type { Schedule } from "./schedule";
import type { Live } from "./sse";

/**
 * What a feature's logic works with inside the visitor's Durable Object: its SQLite storage (each feature reads
 * and writes only its own tables), the bindings and configuration, the schedule its timers go in, the
 * reservations its caps are decided with, the live channel its followers listen on, and the deployment's usual
 * durations its time estimates go by.
 */
export interface Scope {
  readonly sql: SqlStorage;
  readonly env: Bindings;
  readonly config: Config;
  readonly schedule: Schedule;
  readonly reservations: Reservations;
  readonly live: Live;
  readonly usual: UsualDurations;
}
