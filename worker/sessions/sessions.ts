import { AppError, notFound } from "../errors";
import { type PageAsk, pageOf } from "../cursor";
import { ANONYMOUS_TOKEN_LIFE_MS } from "../nemo/anonymous";
import type { NemoClient } from "../nemo/client";
import type { Held } from "../reservations";
import type { Scope } from "../scope";
import type { Account } from "../account/account";
import { cacheSession, uncacheSession } from "./cache";
import type { Replacement } from "./lost";
import type { SessionRecord, SessionView } from "./schema";
import { SessionTable } from "./table";
import { isExportReady, summarize } from "./timeline";

/** Sessions on the operator's shared account are kept this long; anonymous ones live as long as their token. */
const OPERATOR_SESSION_LIFE_MS = 30 * 24 * 3600_000;
const DAY_MS = 24 * 3600_000;

/**
 * A visitor's sessions, inside its Durable Object: each is our public id for a NemoVideo session, which is
 * replaced under the same id when NemoVideo loses it (1002).
 */
export class Sessions {
  private readonly table: SessionTable;

  constructor(
    private readonly scope: Scope,
    private readonly account: Account,
  ) {
    this.table = new SessionTable(scope.sql);
  }

  /**
   * Opens a NemoVideo session for this visitor and records it under a public id of our own; refused once the
   * visitor has opened (or is opening) `SESSIONS_PER_DAY` in the last 24 hours.
   */
  async open(visitorId: string, language?: string): Promise<SessionRecord> {
    const reservation = this.scope.reservations.reserve("session", (opening) => this.dailyRefusal(opening));
    try {
      const upstream = await this.account.client(visitorId).createSession(language);
      const credentials = await this.account.credentials(visitorId);
      if (upstream.userId && credentials.anonymous) await this.account.learnUserId(visitorId, upstream.userId);
      const now = Date.now();
      const record: SessionRecord = {
        id: crypto.randomUUID(),
        visitorId,
        ...upstream,
        userId: upstream.userId ?? credentials.userId,
        language,
        createdAt: now,
        expiresAt: credentials.anonymous
          ? (credentials.expiresAt ?? now + ANONYMOUS_TOKEN_LIFE_MS)
          : now + OPERATOR_SESSION_LIFE_MS,
      };
      // The row counts in the reservation's place from the moment it is written.
      this.table.save(record);
      reservation.confirm();
      await cacheSession(this.scope.env, record);
      return record;
    } finally {
      reservation.release();
    }
  }

  find(id: string): SessionRecord | null {
    return this.table.find(id);
  }

  /** The living session `id`, or 404 (another visitor's answers exactly like one that never existed). */
  read(id: string): SessionRecord {
    const record = this.table.find(id);
    if (!record) throw notFound("That session");
    return record;
  }

  /** Whose session this is, living or not yet swept: jobs of a session act for its visitor. */
  owner(id: string): string | undefined {
    return this.table.owner(id);
  }

  /** One page of the living sessions, newest first. */
  list(ask: PageAsk): { sessions: SessionRecord[]; nextCursor: string | null } {
    const { items, nextCursor } = pageOf(this.table.page(ask), ask.limit, (row) => ({ at: row.createdAt, id: row.id }));
    return { sessions: items, nextCursor };
  }

  /**
   * Points a session at a fresh NemoVideo session after the old one was lost (1002). Compare-and-swap: when
   * `staleUpstreamId` is no longer the one on file (a copy in KV lagged behind), nothing new is created and
   * `replaced` is false: the caller may simply use the current record.
   */
  async replace(visitorId: string, id: string, staleUpstreamId: string): Promise<Replacement> {
    const current = this.table.find(id);
    if (!current || current.upstreamId !== staleUpstreamId) return { record: current, replaced: false };
    const upstream = await this.account.client(visitorId).createSession(current.language);
    const replaced: SessionRecord = { ...current, ...upstream, userId: upstream.userId ?? current.userId };
    await this.save(replaced);
    return { record: replaced, replaced: true };
  }

  /** The visitor asked to be forgotten: every session goes, with its copy in KV. */
  async forget(): Promise<void> {
    for (const id of this.table.deleteAll()) await uncacheSession(this.scope.env, id);
  }

  /** Why no other session may be opened now (`opening` are those on their way), or undefined. */
  private dailyRefusal(opening: Held[], now = Date.now()): AppError | undefined {
    const limit = this.scope.config.SESSIONS_PER_DAY;
    const opened = [...this.table.openedSince(now - DAY_MS), ...opening.map((each) => each.takenAt)].sort((a, b) => a - b);
    if (opened.length < limit) return undefined;
    const retryAt = opened[opened.length - limit] + DAY_MS;
    return new AppError(
      "rate_limited",
      `You've started ${limit} projects in the last 24 hours. You can start another at ${new Date(retryAt).toISOString().slice(11, 16)} UTC; meanwhile, keep working in one you have.`,
      undefined,
      retryAt,
    );
  }

  /** Writes the record, and its copy in KV only when it changed. */
  private async save(record: SessionRecord): Promise<void> {
    const before = this.table.find(record.id);
    this.table.save(record);
    const changed = !before || (Object.keys(record) as (keyof SessionRecord)[]).some((key) => before[key] !== record[key]);
    if (changed) await cacheSession(this.scope.env, record);
  }

  /** The ids of every session on file, living or not yet swept. */
  known(): Set<string> {
    return new Set(this.table.ids());
  }

  /** Forgets the sessions past their token's life; answers the ids of those that remain. */
  sweep(): Set<string> {
    this.table.deleteExpired();
    return this.known();
  }
}

/** A session as the person sees it: its timeline, a summary in its language, its media. */
export async function readSession(nemo: NemoClient, record: SessionRecord): Promise<SessionView> {
  const { timeline, media } = await nemo.state(record.upstreamId);
  return { timeline, summary: summarize(timeline, record.language), media, exportReady: isExportReady(timeline) };
}
