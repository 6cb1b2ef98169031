import { z } from "zod";
import type { Credentials } from "../nemo/client";

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

/** The KV copy of a visitor's credentials, checked when read back. */
export const StoredCredentials: z.ZodType<Credentials> = z.object({
  token: z.string(),
  userId: z.string().optional(),
  expiresAt: z.number().optional(),
  anonymous: z.boolean(),
});

/** KV keys. Values expire with what they describe: a token after its 7 days, a session with its account's token. */
export const tokenKey = (visitorId: string) => `token:${visitorId}`;
export const sessionKey = (sessionId: string) => `session:${sessionId}`;


/** KV refuses expirations less than 60 s ahead. */
export const kvExpiration = (atMs: number) => Math.max(Math.floor(atMs / 1000), Math.floor(Date.now() / 1000) + 60);
