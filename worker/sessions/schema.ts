import { z } from "@hono/zod-openapi";
import { Media, Timeline } from "../nemo/shapes";

export const SessionParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "0b7d2c1e-5a8f-4c3b-9e21-7f4d6a1b2c3d" }),
});

export const NewSession = z
  .object({
    language: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/, "use a language tag such as en or zh-CN")
      .optional()
      .openapi({ example: "en", description: "The person's language; NemoVideo answers in it." }),
  })
  .openapi("NewSession");

export const SessionSummary = z
  .object({
    sessionId: z.uuid(),
    language: z.string().optional(),
    createdAt: z.number(),
    title: z
      .string()
      .optional()
      .openapi({ example: "a lighthouse at dusk", description: "Its first message, cut to 60 characters; none before one is sent." }),
  })
  .openapi("SessionSummary");

/** A session as `GET /sessions/{id}` answers it. */
export const SessionDetail = z
  .object({
    sessionId: z.uuid(),
    summary: z.string().openapi({ example: "Timeline (2 tracks): 1. Video: a fox in the snow (0-8s) 2. BGM: Lo-fi (0-8s, 35%)" }),
    timeline: Timeline,
    media: z.array(Media),
    exportReady: z.boolean(),
  })
  .openapi("Session");
export type SessionView = Omit<z.infer<typeof SessionDetail>, "sessionId">;

/** A visitor's session: our public id, and the NemoVideo session behind it (which may be replaced after 1002). */
export const SessionRecord = z.object({
  id: z.string(),
  visitorId: z.string(),
  upstreamId: z.string(),
  taskId: z.string(),
  userId: z.string().optional(),
  language: z.string().optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
export type SessionRecord = z.infer<typeof SessionRecord>;
