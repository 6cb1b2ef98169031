import { DurableObject } from "cloudflare:workers";
import { DailyAllowance } from "../allowance";
import type { Bindings } from "../config";
import { type Budgets, type Grant, Ledger } from "./ledger";

/**
 * One per deployment (named "anonymous-accounts"): the ledger of free NemoVideo accounts, the deployment's and each
 * network's share of it. Its methods are its RPC, each handing over to the ledger; one instance serialises them,
 * so two visitors never take the last account, and a network's share is decided with the deployment's in one step.
 * Accounts are made a few a week, so one Object for all of them is no bottleneck.
 */
export class AccountBudget extends DurableObject<Bindings> {
  private readonly ledger = new Ledger(this.ctx.storage.sql);

  async take(budgets: Budgets, network?: string): Promise<Grant> {
    return this.ledger.take(budgets, network);
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

/**
 * One per client network (named by it): the messages its visitors have sent today on the operator's shared
 * account. Every message asks, so each network has an Object of its own rather than one for the deployment.
 */
export class NetworkAllowance extends DurableObject<Bindings> {
  private readonly allowance = new DailyAllowance(this.ctx.storage.sql);

  async take(day: string, limit: number): Promise<boolean> {
    return this.allowance.take(day, limit);
  }
}

/** The allowance of the visitors of `network` (an IPv4 address, an IPv6 /56). */
export const networkAllowance = (env: Bindings, network: string) => env.NETWORKS.get(env.NETWORKS.idFromName(network));
