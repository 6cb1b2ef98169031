import { z } from "@hono/zod-openapi";
import { MESSAGE_MAX_CHARS } from "../chat/limits";
import { HistoryMessage } from "../chat/schema";
import { EstimatedCompletionAt, JobError } from "../exports/schema";
import { idPattern } from "../ids";
import { ASPECT_RATIOS, LENGTHS_S, STYLES } from "./choices";

export const GenerationStatus = z.enum(["queued", "generating", "rendering", "completed", "failed", "cancelled"]);
export type GenerationStatus = z.infer<typeof GenerationStatus>;
export const FINAL_GENERATION_STATUSES: readonly GenerationStatus[] = ["completed", "failed", "cancelled"];

export const GenerationRequest = z
  .object({
    prompt: z
      .string()
      .trim()
      .min(1, "describe the video you want")
      .max(MESSAGE_MAX_CHARS, `keep the prompt under ${MESSAGE_MAX_CHARS} characters`)
      .openapi({ example: "a fox running through a snowy forest, 5 seconds" })
      .describe("The video you want, in plain words."),
    language: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "a language tag such as en or zh-CN")
      .optional()
      .describe("The language to work in, as a tag such as en or zh-CN."),
    aspectRatio: z
      .enum(ASPECT_RATIOS)
      .optional()
      .describe("The video's shape: 16:9 landscape, 9:16 vertical or 1:1 square. Sent to NemoVideo as words after the prompt."),
    lengthS: z
      .literal(LENGTHS_S)
      // zod-to-openapi writes only the first value of a literal with several.
      .openapi({ enum: [...LENGTHS_S] })
      .optional()
      .describe("The video's length in seconds: 5, 10 or 15. Sent to NemoVideo as words after the prompt."),
    style: z
      .enum(STYLES)
      .optional()
      .describe("The video's look: cinematic, animated, watercolour or documentary. Sent to NemoVideo as words after the prompt."),
    conversationId: z
      .uuid()
      .optional()
      .openapi({
        example: "0b7d2c1e-5a8f-4c3b-9e21-7f4d6a1b2c3d",
        description:
          "The conversation (a session id of this visitor) the generation was asked from, such as a variation of its video: kept with the generation and answered as it is, so that the conversation finds it again. The generation still runs in a project of its own.",
      }),
    webhookUrl: z
      .url({ protocol: /^https?$/, error: "webhookUrl must be an http(s) address" })
      .max(2000)
      .optional()
      .openapi({
        description:
          "Where to POST the finished generation (signed; see Webhooks in docs/api.md): a public https address. Private, loopback, link-local and metadata addresses, in any spelling, and addresses with a user name are refused with 400.",
      }),
  })
  .openapi("GenerationRequest");
export type GenerationRequest = z.infer<typeof GenerationRequest>;

/** A change to a video made before, in plain words; the language is the video's own. */
export const EditRequest = GenerationRequest.omit({ language: true, conversationId: true })
  .extend({
    prompt: GenerationRequest.shape.prompt
      .openapi({ example: "make the sky a deep purple and add gentle piano music" })
      .describe("The change, in plain words."),
  })
  .openapi("GenerationEditRequest");
export type EditRequest = z.infer<typeof EditRequest>;

export const WebhookState = z
  .object({
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number(),
    lastStatus: z
      .enum(["delivered", "failed"])
      .optional()
      .openapi({ description: "How the last attempt went (the receiver's own answer is never shown)." }),
  })
  .openapi("WebhookState");

/** A generation as the visitor's Durable Object keeps it (the Worker adds the signed `downloadUrl`). */
export const GenerationRecord = z.object({
  generationId: z.string(),
  status: GenerationStatus,
  prompt: z.string(),
  language: z.string().optional(),
  sessionId: z.string().optional(),
  exportId: z.string().optional(),
  editOf: z.string().optional().openapi({ description: "The generation whose video this one changes (POST /generations/{id}/edit)." }),
  conversationId: z
    .string()
    .optional()
    .openapi({ example: "0b7d2c1e-5a8f-4c3b-9e21-7f4d6a1b2c3d", description: "The conversation it was asked from, as given." }),
  messages: z.array(HistoryMessage),
  progress: z.number().optional(),
  estimatedCompletionAt: z.string().optional(),
  url: z.string().optional(),
  error: JobError.optional(),
  webhook: WebhookState.optional(),
  createdAt: z.number(),
  completedAt: z.number().optional(),
  deletedAt: z.number().optional().openapi({
    description: "When the person deleted its video (epoch milliseconds): no `url` or `downloadUrl` any more.",
  }),
});
export type GenerationRecord = z.infer<typeof GenerationRecord>;

export const Generation = GenerationRecord.extend({
  generationId: z.string().openapi({ example: "gen_0d5e8f2a7c3b4a91" }),
  progress: z.number().optional().openapi({ description: "The export's progress (0–100) while rendering." }),
  estimatedCompletionAt: EstimatedCompletionAt,
  downloadUrl: z.string().optional().openapi({ description: "When completed: the MP4, signed, as for exports." }),
}).openapi("Generation");
export type Generation = z.infer<typeof Generation>;

export const GenerationParams = z.object({
  id: z
    .string()
    .regex(idPattern("gen"), "a generation id looks like gen_ followed by 16 hex digits")
    .openapi({ param: { name: "id", in: "path" }, example: "gen_0d5e8f2a7c3b4a91" })
    .describe("The id: gen_ followed by 16 hex digits."),
});

/** The events of GET /generations/{id}/events: its status as it changes, and what the assistant is doing. */
export const GenerationEvent = z
  .discriminatedUnion("event", [
    z.object({ event: z.literal("status"), data: Generation }),
    z.object({ event: z.literal("activity"), data: z.object({ tool: z.string(), label: z.string() }) }),
    z.object({ event: z.literal("text"), data: z.object({ text: z.string() }) }),
  ])
  .openapi("GenerationEvent");
