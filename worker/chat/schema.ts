import { z } from "@hono/zod-openapi";
import { MESSAGE_MAX_CHARS } from "./limits";

/** The events of a chat turn, as the person's page receives them. Each goes out with an `id:` line. */
export const TurnEvent = z.discriminatedUnion("event", [
  z.object({ event: z.literal("text"), data: z.object({ text: z.string() }).openapi({ example: { text: "Here is a 10-second 16:9 draft of " } }) }),
  z.object({
    event: z.literal("activity"),
    data: z
      .object({
        tool: z.string(),
        label: z.string(),
        makesVideo: z.boolean().openapi({ description: "The tool makes a video clip (a page shows the time so far)." }),
      })
      .openapi({ example: { tool: "generate_video", label: "Generating video", makesVideo: true } }),
  }),
  z.object({
    event: z.literal("working"),
    data: z
      .object({ elapsedMs: z.number(), message: z.string() })
      .openapi({ example: { elapsedMs: 30000, message: "Still working on it: this usually takes one to three minutes." } }),
  }),
  z.object({ event: z.literal("action"), data: z.object({ action: z.enum(["export", "state", "upload"]) }) }),
  z.object({
    event: z.literal("timeline"),
    data: z.object({
      summary: z.string(),
      changed: z.array(z.string()).openapi({ description: "What the turn changed, one sentence each." }),
    }).openapi({
      example: {
        summary: "Timeline (3 tracks): 1. Video: a fox running through a snowy forest (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: \"Fox Running\" (0-3s)",
        changed: ["Added Video: a fox running through a snowy forest", "Added BGM: Lo-fi", "Added Title: Fox Running"],
      },
    }),
  }),
  z.object({
    event: z.literal("error"),
    data: z
      .object({ code: z.string(), message: z.string(), link: z.string().optional(), retryAt: z.number().optional() })
      .openapi({
        example: {
          code: "no_credits",
          message: "You've used all your free credits. Register with NemoVideo to get more and keep this project.",
          link: "https://nemovideo.com/register?bind=anon_7428bbae66d8dc83",
        },
      }),
  }),
  z.object({
    event: z.literal("done"),
    data: z.object({
      reason: z.enum(["complete", "error", "interrupted", "timeout", "cancelled"]).openapi({
        description: "`cancelled`: the person stopped waiting (NemoVideo may still finish the work: the timeline shows it).",
      }),
    }),
  }),
]).openapi("TurnEvent");
export type TurnEvent = z.infer<typeof TurnEvent>;
export type DoneReason = Extract<TurnEvent, { event: "done" }>["data"]["reason"];

/** One line of a conversation: a message the person sent, or the reply written to it. */
export const HistoryMessage = z
  .object({
    role: z.enum(["user", "assistant"]),
    text: z.string(),
    at: z.number(),
    stopped: z
      .literal(true)
      .optional()
      .openapi({ description: "On a message whose reply the person stopped waiting for (POST /sessions/{id}/turn/cancel)." }),
  })
  .openapi("HistoryMessage");
export type HistoryMessage = z.infer<typeof HistoryMessage>;

export const Message = z
  .object({
    text: z
      .string()
      .trim()
      .min(1, "write a message")
      .max(MESSAGE_MAX_CHARS, `keep a message under ${MESSAGE_MAX_CHARS} characters`)
      .openapi({ example: "a fox running through a snowy forest" }),
  })
  .openapi("Message");

export const Conversation = z
  .object({
    messages: z.array(HistoryMessage),
    running: z.boolean().openapi({ description: "A reply is being written now: follow it with GET /sessions/{id}/turn." }),
    runningSince: z.number().optional().openapi({ description: "While one runs: when its message was sent (epoch milliseconds)." }),
  })
  .openapi("Conversation");
