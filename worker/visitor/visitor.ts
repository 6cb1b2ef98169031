import { DurableObject } from "cloudflare:workers";
import { type Env, readConfig } from "../config";
import { AppError } from "../errors";
import {
  ANONYMOUS_TOKEN_LIFE_MS,
  type Credentials,
  NemoClient,
  requestAnonymousToken,
  type UpstreamSession,
} from "../nemo/client";
import { nemoOptions } from "../upstream";
import { kvExpiration, type SessionRecord, sessionKey, tokenKey } from "./records";
import { UPLOAD_TABLES, type UploadedPart, type UploadRecord, UploadTable } from "./uploads";

/** Sessions on the operator's shared account are kept this long; anonymous ones live as long as their token. */
const OPERATOR_SESSION_LIFE_MS = 30 * 24 * 3600_000;
/** Renew a little before NemoVideo would refuse the token. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/**
 * One per visitor. Holds the consistent copy of what the visitor owns (its NemoVideo token, its sessions, the
 * turn that is running) and serialises what must not happen twice at once: asking NemoVideo for an anonymous
 * token, replacing a lost session, starting a second turn in a session. KV carries copies of the token and the
 * sessions for fast reads at the edge; whenever KV has nothing, this object is asked.
 */
export class Visitor extends DurableObject<Env> {
  private renewal: Promise<Credentials> | undefined;
  private readonly uploadTable: UploadTable;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.uploadTable = new UploadTable(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`
        CREATE TABLE IF NOT EXISTS token (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL,
          user_id TEXT, expires_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL, upstream_id TEXT NOT NULL,
          task_id TEXT NOT NULL, user_id TEXT, language TEXT, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS running_turns (session_id TEXT PRIMARY KEY, until INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS daily_turns (day TEXT PRIMARY KEY, count INTEGER NOT NULL);
      `);
      ctx.storage.sql.exec(UPLOAD_TABLES);
    });
  }

  /**
   * The visitor's NemoVideo credentials: the operator's token when one is configured, else the visitor's own
   * anonymous token. `stale` is a token NemoVideo just refused: if it is still the one on file a new one is
   * requested; if another call renewed it meanwhile, the newer one is returned. Concurrent callers share one
   * request, so a visitor never asks NemoVideo for two tokens at once.
   */
  async credentials(visitorId: string, stale?: string): Promise<Credentials> {
    return remote(() => this.ownCredentials(visitorId, stale));
  }

  private async ownCredentials(visitorId: string, stale?: string): Promise<Credentials> {
    const operator = readConfig(this.env).NEMO_TOKEN;
    if (operator) return { token: operator, anonymous: false };
    const stored = this.storedToken();
    if (stored && stored.token !== stale && (stored.expiresAt ?? 0) - EXPIRY_MARGIN_MS > Date.now()) return stored;
    this.renewal ??= this.requestToken(visitorId).finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  /** Opens a NemoVideo session for this visitor and records it under a public id of our own. */
  async createSession(visitorId: string, language?: string): Promise<SessionRecord> {
    return remote(() => this.openSession(visitorId, language));
  }

  private async openSession(visitorId: string, language?: string): Promise<SessionRecord> {
    const upstream: UpstreamSession = await this.client(visitorId).createSession(language);
    const credentials = await this.ownCredentials(visitorId);
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
    await this.saveSession(record);
    return record;
  }

  async session(id: string): Promise<SessionRecord | null> {
    const [row] = this.ctx.storage.sql
      .exec("SELECT * FROM sessions WHERE id = ? AND expires_at > ?", id, Date.now())
      .toArray();
    return row ? toRecord(row) : null;
  }

  async sessions(): Promise<SessionRecord[]> {
    return this.ctx.storage.sql
      .exec("SELECT * FROM sessions WHERE expires_at > ? ORDER BY created_at DESC", Date.now())
      .toArray()
      .map(toRecord);
  }

  /**
   * Points a session at a fresh NemoVideo session after the old one was lost (1002). Compare-and-swap: when
   * `staleUpstreamId` is no longer the one on file (a copy in KV lagged behind), nothing new is created and
   * `replaced` is false: the caller may simply use the current record.
   */
  async replaceUpstream(
    visitorId: string,
    id: string,
    staleUpstreamId: string,
  ): Promise<{ record: SessionRecord | null; replaced: boolean }> {
    return remote(() => this.replace(visitorId, id, staleUpstreamId));
  }

  private async replace(visitorId: string, id: string, staleUpstreamId: string) {
    const current = await this.session(id);
    if (!current || current.upstreamId !== staleUpstreamId) return { record: current, replaced: false };
    const upstream = await this.client(visitorId).createSession(current.language);
    const replaced: SessionRecord = { ...current, ...upstream, userId: upstream.userId ?? current.userId };
    await this.saveSession(replaced);
    return { record: replaced, replaced: true };
  }

  /**
   * Marks a turn as running until `capMs` from now. Refused while one already runs in this session, and, on the
   * operator's shared account, once the visitor has used its `VISITOR_DAILY_TURNS` for the day.
   */
  async beginTurn(sessionId: string, capMs: number): Promise<"started" | "running" | "quota"> {
    const now = Date.now();
    const sql = this.ctx.storage.sql;
    if (sql.exec("SELECT 1 FROM running_turns WHERE session_id = ? AND until > ?", sessionId, now).toArray().length)
      return "running";
    const config = readConfig(this.env);
    const day = new Date(now).toISOString().slice(0, 10);
    if (config.NEMO_TOKEN) {
      const [used] = sql.exec("SELECT count FROM daily_turns WHERE day = ?", day).toArray();
      if (Number(used?.count ?? 0) >= config.VISITOR_DAILY_TURNS) return "quota";
      sql.exec("DELETE FROM daily_turns WHERE day <> ?", day);
      sql.exec("INSERT INTO daily_turns VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET count = count + 1", day);
    }
    sql.exec("INSERT OR REPLACE INTO running_turns VALUES (?, ?)", sessionId, now + capMs);
    return "started";
  }

  async endTurn(sessionId: string): Promise<void> {
    this.ctx.storage.sql.exec("DELETE FROM running_turns WHERE session_id = ?", sessionId);
  }

  async addUpload(upload: UploadRecord): Promise<void> {
    this.uploadTable.add(upload);
  }

  async upload(id: string) {
    return this.uploadTable.find(id);
  }

  async recordUploadPart(id: string, part: UploadedPart): Promise<void> {
    this.uploadTable.recordPart(id, part);
  }

  async removeUpload(id: string): Promise<void> {
    this.uploadTable.remove(id);
  }

  private client(visitorId: string): NemoClient {
    return new NemoClient(nemoOptions(this.env, readConfig(this.env)), {
      current: () => this.ownCredentials(visitorId),
      renew: (stale) => this.ownCredentials(visitorId, stale.token),
    });
  }

  private async saveSession(record: SessionRecord): Promise<void> {
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      record.id,
      record.visitorId,
      record.upstreamId,
      record.taskId,
      record.userId ?? null,
      record.language ?? null,
      record.createdAt,
      record.expiresAt,
    );
    await this.env.KV.put(sessionKey(record.id), JSON.stringify(record), { expiration: kvExpiration(record.expiresAt) });
  }

  private storedToken(): Credentials | undefined {
    const [row] = this.ctx.storage.sql.exec("SELECT * FROM token WHERE id = 1").toArray();
    if (!row) return undefined;
    return {
      token: String(row.token),
      userId: row.user_id == null ? undefined : String(row.user_id),
      expiresAt: Number(row.expires_at),
      anonymous: true,
    };
  }

  private async requestToken(visitorId: string): Promise<Credentials> {
    const credentials = await requestAnonymousToken(nemoOptions(this.env, readConfig(this.env)), visitorId);
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO token VALUES (1, ?, ?, ?)",
      credentials.token,
      credentials.userId ?? null,
      credentials.expiresAt,
    );
    await this.env.KV.put(tokenKey(visitorId), JSON.stringify(credentials), {
      expiration: kvExpiration(credentials.expiresAt!),
    });
    return credentials;
  }
}

/** Runs `work`, sending an AppError across RPC in a form the Worker turns back into one. */
async function remote<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof AppError ? error.toRemote() : error;
  }
}

function toRecord(row: Record<string, SqlStorageValue>): SessionRecord {
  const optional = (value: SqlStorageValue) => (value == null ? undefined : String(value));
  return {
    id: String(row.id),
    visitorId: String(row.visitor_id),
    upstreamId: String(row.upstream_id),
    taskId: String(row.task_id),
    userId: optional(row.user_id),
    language: optional(row.language),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}
