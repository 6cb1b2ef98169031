import { createRoute, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { createRouter, errorResponse } from "../app";
import { AppError, toAppError } from "../errors";
import { registrationLink } from "../nemo/errors";
import { upstreamEvents } from "../nemo/events";
import { SessionParams } from "../sessions/routes";
import { readSession, type SessionView } from "../sessions/state";
import { describeChanges } from "../sessions/timeline";
import { unauthorized } from "../visitors/routes";
import { TurnEvent } from "./events";
import { errorEvent, relayTurn, type TurnSink } from "./relay";
import { languageOf } from "./translate";

const Message = z
  .object({
    text: z
      .string()
      .trim()
      .min(1, "write a message")
      .max(4000, "keep a message under 4000 characters")
      .openapi({ example: "a fox running through a snowy forest" }),
  })
  .openapi("Message");

const send = createRoute({
  method: "post",
  path: "/sessions/{id}/messages",
  tags: ["Chat"],
  summary: "Send a message; the reply streams back as server-sent events",
  description:
    "Events: `text`, `activity`, `working`, `action`, `timeline`, `error`, and `done` last; each has an `id:`. A `: keep-alive` comment goes out while nothing else does. Nothing is ever sent to NemoVideo twice on the person's behalf.",
  security: [{ visitorKey: [] }],
  request: { params: SessionParams, body: { content: { "application/json": { schema: Message } }, required: true } },
  responses: {
    200: {
      content: { "text/event-stream": { schema: TurnEvent } },
      description: "The turn's events: each SSE `event:` is the `event` here, its `data:` the JSON `data`.",
    },
    400: errorResponse("No message, or too long."),
    401: unauthorized,
    404: errorResponse("No such session for this visitor."),
    409: errorResponse("A reply is still being written in this session."),
    429: errorResponse("The visitor's daily messages are used up (shared account only)."),
  },
});

export const chat = createRouter().openapi(send, async (c) => {
  const { id } = c.req.valid("param");
  const { text } = c.req.valid("json");
  const visitor = c.var.visitor;
  const config = c.var.config;
  let record = await visitor.session(id);
  const begun = await visitor.stub.beginTurn(id, config.TURN_CAP_MS);
  if (begun === "running")
    throw new AppError(
      "turn_running",
      "A reply is still being written in this project. Wait for it to finish, then send your next message.",
    );
  if (begun === "quota")
    throw new AppError(
      "quota_exceeded",
      `You've sent today's ${config.VISITOR_DAILY_TURNS} messages on this site. Come back tomorrow, or register with NemoVideo for an account of your own.`,
      registrationLink(),
    );

  return streamSSE(c, async (stream) => {
    let sequence = 0;
    const sink: TurnSink = {
      get closed() {
        return stream.aborted || stream.closed;
      },
      send: async (event: TurnEvent) => {
        if (!sink.closed)
          await stream.writeSSE({ id: String(++sequence), event: event.event, data: JSON.stringify(event.data) });
      },
      keepAlive: async () => {
        if (!sink.closed) await stream.write(": keep-alive\n\n");
      },
    };
    const language = languageOf(record.language);
    const before = readSession(visitor.nemo, record).catch(() => undefined);
    let reason: TurnEvent & { event: "done" };
    try {
      // Reaching NemoVideo can take a while (a 429 is retried after 30 s): keep the stream alive meanwhile.
      const keepAlive = setInterval(() => sink.keepAlive().catch(() => {}), config.KEEPALIVE_MS);
      const turn = await visitor
        .withSession(record, (current) => {
          record = current;
          return visitor.nemo.runTurn(current.upstreamId, text);
        })
        .finally(() => clearInterval(keepAlive));
      const result = await relayTurn(upstreamEvents(turn.events), sink, {
        language,
        caller: turn.caller,
        keepAliveMs: config.KEEPALIVE_MS,
        workingMs: config.WORKING_NOTICE_MS,
        capMs: config.TURN_CAP_MS,
      });
      if (result.lostSession) await visitor.stub.replaceUpstream(visitor.visitorId, id, record.upstreamId);
      else await sendTimeline(sink, await before, await readSession(visitor.nemo, record).catch(() => undefined), record.language);
      reason = { event: "done", data: { reason: result.reason } };
    } catch (error) {
      await sink.send(errorEvent(toAppError(error)));
      reason = { event: "done", data: { reason: "error" } };
    } finally {
      await visitor.stub.endTurn(id);
    }
    if (!sink.closed) await sink.send(reason);
  });
});

/** After a turn: the timeline as it now stands, and what the turn changed. */
async function sendTimeline(sink: TurnSink, before: SessionView | undefined, after: SessionView | undefined, language?: string) {
  if (!after || sink.closed) return;
  const changed = before ? describeChanges(before.timeline, after.timeline, language) : [];
  await sink.send({ event: "timeline", data: { summary: after.summary, changed } });
}
