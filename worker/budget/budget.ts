import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../config";
import { type Grant, Ledger } from "./ledger";

/**
 * One per deployment (named "anonymous-accounts"): the ledger of free NemoVideo accounts. Its methods are its RPC,
 * each handing over to the ledger; one instance serialises them, so two visitors never take the last account.
 */
export class AccountBudget extends DurableObject<Bindings> {
  private readonly ledger = new Ledger(this.ctx.storage.sql);

  async take(perWeek: number): Promise<Grant> {
    return this.ledger.take(perWeek);
  }

  async giveBack(id: string): Promise<void> {
    this.ledger.giveBack(id);
  }

  async refused(id: string): Promise<number> {
    return this.ledger.refused(id);
  }
}

/** The deployment's one budget. */
export const accountBudget = (env: Bindings) => env.BUDGET.get(env.BUDGET.idFromName("anonymous-accounts"));
