import { cachedToken } from "./account/cache";
import type { Bindings, Config } from "./config";
import { settle } from "./errors";
import type { NemoClient } from "./nemo/client";
import { visitorNemo } from "./upstream";

/** The visitor's Durable Object as the Worker reaches it: its RPC is the public methods of worker/visitor/visitor.ts. */
export type VisitorObject = ReturnType<Bindings["VISITOR"]["get"]>;

/** The Durable Object of visitor `visitorId`. */
export const visitorObject = (env: Bindings, visitorId: string): VisitorObject => env.VISITOR.get(env.VISITOR.idFromName(visitorId));

/**
 * The visitor a request acts for, on the Worker's side of RPC: its Durable Object, its NemoVideo client, and the
 * client network it counts to (handed to the Object with whatever may need a free account or a message). Each
 * route's authentication makes one (http.ts); the features' Worker-side work takes it.
 */
export class Caller {
  readonly stub: VisitorObject;
  readonly nemo: NemoClient;

  constructor(
    readonly env: Bindings,
    readonly config: Config,
    readonly visitorId: string,
    readonly network?: string,
  ) {
    this.stub = visitorObject(env, visitorId);
    // KV's copy of the token first; the Object, which serialises renewals, is the truth.
    this.nemo = visitorNemo(env, config, {
      kept: () => cachedToken(env, visitorId),
      ask: async (stale) => settle(await this.stub.accountCredentials(visitorId, stale, network)),
    });
  }
}
