import { Hono } from "hono";
import { z } from "zod";
import { config } from "./config";
import { fail, httpFail } from "./envelope";
import { errorFrame } from "./events";
import { factsOf, type FaultParams, takeFault } from "./faults";
import { prefixedUuid } from "./ids";
import { ownSession } from "./sessions";
import { errorStream, SSE_HEADERS, type StreamFault, turnStream } from "./sse";
import { startTurn } from "./turn-state";
import { planTurn } from "./turns";
import type { AppEnv } from "./types";

/** Google ADK's `RunAgentRequest`, as the seed sends it. */
const RunAgentRequest = z.object({
  app_name: z.string().optional(),
  user_id: z.string().optional(),
  session_id: z.string(),
  new_message: z.object({
    role: z.string().optional(),
    parts: z.array(z.object({ text: z.string().optional() }).loose()).min(1),
  }),
  streaming: z.boolean().optional(),
});

const INSUFFICIENT = "insufficient credits";

const afterEvents = (params: FaultParams) => (typeof params.afterEvents === "number" ? params.afterEvents : 1);

/** The armed stream fault for this request, if any. */
async function streamFault(c: Parameters<typeof factsOf>[0]): Promise<StreamFault | undefined> {
  const facts = await factsOf(c);
  const cut = takeFault("cut-stream", facts);
  if (cut) return { afterEvents: afterEvents(cut) };
  const error = takeFault("stream-error", facts);
  if (!error) return undefined;
  const form = error.form === "errorCode" ? "errorCode" : "error";
  const code = typeof error.code === "string" || typeof error.code === "number" ? error.code : "INTERNAL";
  const message = typeof error.message === "string" ? error.message : "The agent failed to respond.";
  return { afterEvents: afterEvents(error), error: { form, code, message } };
}

/** `POST /run_sse`: one message, one turn, its events as they happen. */
export const runRoutes = new Hono<AppEnv>().post("/run_sse", async (c) => {
  const body = RunAgentRequest.safeParse(await c.req.json().catch(() => undefined));
  if (!body.success) return httpFail(c, 400, "invalid RunAgentRequest");
  const user = c.get("user");
  const session = ownSession(user, body.data.session_id);
  if (!session) return fail(c, 1002, "session not found");
  if (session.turn) return httpFail(c, 409, "another message is still being processed");
  const message = body.data.new_message.parts.map((part) => part.text ?? "").join("\n").trim();
  const plan = planTurn(session, message, new URL(c.req.url).origin, config());
  if (plan.cost > user.available) {
    if (config().creditsErrorForm === "envelope") return fail(c, 2001, INSUFFICIENT);
    const form = config().eventFamily === "type" ? "error" : "errorCode";
    const frame = errorFrame({ invocationId: prefixedUuid("e-") }, form, 2001, INSUFFICIENT);
    return new Response(errorStream(frame), { headers: SSE_HEADERS });
  }
  const turn = startTurn(session, user, plan);
  return new Response(turnStream(turn, await streamFault(c)), { headers: SSE_HEADERS });
});
