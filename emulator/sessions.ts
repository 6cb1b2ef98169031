import { Hono } from "hono";
import { z } from "zod";
import { isOwnUserSegment } from "./auth";
import { config } from "./config";
import { now } from "./clock";
import { refund } from "./credits";
import { draftOut } from "./drafts";
import { fail, httpFail, ok } from "./envelope";
import { claimToken, hexId, sessionId } from "./ids";
import { store } from "./store";
import type { AppEnv, Session, SessionState, User } from "./types";

/** The session `id` if it exists and belongs to `user`. */
export function ownSession(user: User, id: string | undefined): Session | undefined {
  const session = id ? store.sessions.get(id) : undefined;
  return session?.userId === user.id ? session : undefined;
}

/** Forgets a session (the `lose-session` fault); a running turn's credits go back. */
export function forgetSession(id: string): void {
  const session = store.sessions.get(id);
  const user = session?.turn && store.users.get(session.turn.userId);
  if (session?.turn && user) refund(user, session.turn.cost);
  store.sessions.delete(id);
}

/** The state as the API shows it: the draft's segment keys follow `draftKeys`. */
export function stateOut(state: SessionState): Record<string, unknown> {
  const { draft, ...rest } = state;
  return { draft: draft ? draftOut(draft, config().draftKeys) : null, ...rest };
}

/** A session's whole state; one nothing has happened in yet as `newSessionState` has it. */
function sessionStateOut(state: SessionState): Record<string, unknown> | null {
  if (Object.keys(state).length > 0) return stateOut(state);
  const nothing = { draft: null, video_infos: null, generated_media: null, canvas_config: null, video_analyses: null };
  return { "draft-null": { draft: null }, null: null, nulls: nothing }[config().newSessionState];
}

const NewSession = z.object({ task_name: z.string().default("project"), language: z.string().optional() });
const Claim = z.object({ task_id: z.string(), session_id: z.string() });

/** Sessions: create one, read its state, get a claim token for NemoVideo's own editor. */
export const sessionRoutes = new Hono<AppEnv>()
  .post("/api/tasks/:user/with-session/nemo_agent", async (c) => {
    const user = c.get("user");
    if (!isOwnUserSegment(c.req.param("user"), user.id)) return fail(c, 1001, "token does not match user");
    const body = NewSession.safeParse(await c.req.json().catch(() => ({})));
    if (!body.success) return httpFail(c, 400, "invalid request body");
    const session: Session = {
      id: sessionId(),
      taskId: hexId(),
      taskName: body.data.task_name,
      userId: user.id,
      language: body.data.language,
      createdAt: now(),
      state: {},
      edits: 0,
    };
    store.sessions.set(session.id, session);
    const owner = config().omitOptionalFields ? {} : { user_id: user.id };
    return ok(c, { task_id: session.taskId, session_id: session.id, ...owner });
  })
  .get("/api/state/nemo_agent/:user/:sid/latest", (c) => {
    const user = c.get("user");
    const session = isOwnUserSegment(c.req.param("user"), user.id) ? ownSession(user, c.req.param("sid")) : undefined;
    if (!session) return fail(c, 1002, "session not found");
    return ok(c, {
      session_id: session.id,
      task_id: session.taskId,
      task_name: session.taskName,
      state: sessionStateOut(session.state),
    });
  })
  .post("/api/auth/claim-token", async (c) => {
    const body = Claim.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return httpFail(c, 400, "task_id and session_id are required");
    const session = ownSession(c.get("user"), body.data.session_id);
    if (!session || session.taskId !== body.data.task_id) return fail(c, 1002, "session not found");
    const token = claimToken();
    store.claimTokens.push({ claimToken: token, sessionId: session.id, taskId: session.taskId, issuedAt: now() });
    return ok(c, { claim_token: token, expires_in: 604800 });
  });
