import type { Bindings, Config } from "../config";
import { AppError, notFound, settle } from "../errors";
import { NemoClient } from "../nemo/client";
import type { Credentials } from "../nemo/shapes";
import type { SessionRecord } from "../sessions/schema";
import { cachedSession } from "../sessions/cache";
import { nemoOptions } from "../upstream";
import { cachedToken } from "../visitors/cache";
import type { Visitor } from "./visitor";

/**
 * What a request needs to act for one visitor: its Durable Object, its NemoVideo client, its sessions, and the
 * client network it counts to (handed to the Object with whatever may need a free account or a message).
 */
export class VisitorContext {
  readonly stub: DurableObjectStub<Visitor>;
  readonly nemo: NemoClient;

  constructor(
    readonly env: Bindings,
    readonly config: Config,
    readonly visitorId: string,
    readonly network?: string,
  ) {
    this.stub = env.VISITOR.get(env.VISITOR.idFromName(visitorId));
    this.nemo = new NemoClient(nemoOptions(env, config), {
      current: () => this.currentCredentials(),
      renew: async (stale) => settle(await this.stub.credentials(visitorId, stale.token, network)),
    });
  }

  /**
   * The visitor's session `id`, or 404 for anything else (another visitor's session answers exactly like one
   * that never existed). KV answers first; a miss is confirmed by the Durable Object, which is never stale.
   */
  async session(id: string): Promise<SessionRecord> {
    const cached = await cachedSession(this.env, id);
    if (cached) {
      if (cached.visitorId !== this.visitorId) throw notFound("That session");
      return cached;
    }
    const record = await this.stub.session(id);
    if (!record) throw notFound("That session");
    return record;
  }

  /**
   * Runs `work` against the session's NemoVideo session. If NemoVideo lost it (1002), a fresh one takes its place
   * under the same public id and the person is told that the old timeline is gone. If it had already been replaced
   * (this request read a copy from KV that lagged behind), `work` runs once more on the current one instead.
   */
  async withSession<T>(session: string | SessionRecord, work: (record: SessionRecord) => Promise<T>): Promise<T> {
    const record = typeof session === "string" ? await this.session(session) : session;
    try {
      return await work(record);
    } catch (error) {
      if (!(error instanceof AppError && error.code === "session_lost")) throw error;
      const { record: current, replaced } = settle(await this.stub.replaceUpstream(this.visitorId, record.id, record.upstreamId));
      if (replaced || !current || current.upstreamId === record.upstreamId) throw error;
      return work(current);
    }
  }

  private async currentCredentials(): Promise<Credentials> {
    if (this.config.NEMO_TOKEN) return { token: this.config.NEMO_TOKEN, anonymous: false };
    const cached = await cachedToken(this.env, this.visitorId);
    // A token is used for its whole life: NemoVideo gives a client one a week, so renewing early is refused.
    if (cached && (cached.expiresAt ?? 0) > Date.now()) return cached;
    return settle(await this.stub.credentials(this.visitorId, undefined, this.network));
  }
}
