import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../config";
import type { Measured, Usual } from "../estimates";
import { DurationTable } from "./table";

/**
 * One per deployment (named "deployment"): how long its recent renders and generations took, for the time estimates
 * of running ones (worker/estimates.ts). Each visitor's Object sends a finished job's duration here with that job's
 * last step and keeps a copy of the figures it reads at most once a minute, so one Object for all is no bottleneck:
 * a write per finished job, a read per visitor per minute. Chosen over a KV key because its count is exact and at
 * once (KV is eventually consistent, one write a second per key, and a read-modify-write there loses counts).
 */
export class Measurements extends DurableObject<Bindings> {
  private readonly durations = new DurationTable(this.ctx.storage.sql);

  /** A finished job's duration; answers the figures with it. */
  async record(kind: Measured, ms: number): Promise<Usual> {
    this.durations.add(kind, ms);
    return this.durations.usual();
  }

  async usual(): Promise<Usual> {
    return this.durations.usual();
  }
}
