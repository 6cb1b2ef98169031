import { z } from "zod";
import type { RenderJob } from "./shapes";

/** Ids arrive as strings or numbers depending on the document; we always keep strings. */
const id = z.union([z.string(), z.number()]).transform(String);

/** `{"code":0,"message":"success","data":{…}}`; `message` may be absent, `code != 0` is an error. */
export const PlatformEnvelope = z.looseObject({
  code: z.coerce.number(),
  message: z.string().nullish(),
  data: z.unknown().optional(),
});

export const AnonymousToken = z.looseObject({
  token: z.string().min(1),
  user_id: id.nullish(),
  expires_at: z.string().nullish(),
  credits: z.number().nullish(),
});

export const CreatedSession = z.looseObject({
  task_id: id,
  session_id: id,
  user_id: id.nullish(),
});

export const ClaimToken = z.looseObject({
  claim_token: z.string().min(1),
  expires_in: z.number().nullish(),
});

export const Credits = z.looseObject({
  available: z.number(),
  frozen: z.number().nullish(),
  total: z.number().nullish(),
});

export const SessionState = z.looseObject({
  session_id: id.nullish(),
  task_id: id.nullish(),
  state: z
    .looseObject({
      draft: z.unknown().nullish(),
      video_infos: z.array(z.unknown()).nullish(),
      generated_media: z.array(z.unknown()).nullish(),
    })
    .nullish(),
});

export const UploadedFiles = z.looseObject({
  files: z.array(
    z.looseObject({
      filename: z.string(),
      file_type: z.string().nullish(),
      cdn_url: z.string().nullish(),
      duration: z.number().nullish(),
      width: z.number().nullish(),
      height: z.number().nullish(),
    }),
  ),
});

/** NemoVideo's status words for a render, in ours (anything unknown is still running). */
function renderStatus(status: string): "pending" | "processing" | "completed" | "failed" {
  const word = status.toLowerCase();
  if (["completed", "complete", "succeeded", "success", "done"].includes(word)) return "completed";
  if (["failed", "error", "cancelled", "canceled"].includes(word)) return "failed";
  if (word === "pending" || word === "queued") return "pending";
  return "processing";
}

/**
 * A render job in either documented poll shape:
 * `{"id","status","progress","outputUrl","createdAt","completedAt","error"}` or
 * `{"taskId","status","progress","output":{"url","duration","size"}}`.
 */
export const RenderAnswer = z
  .looseObject({
    id: id.optional(),
    taskId: id.optional(),
    status: z.string(),
    progress: z.coerce.number().nullish(),
    outputUrl: z.string().nullish(),
    output: z.looseObject({ url: z.string().nullish(), size: z.number().nullish(), duration: z.number().nullish() }).nullish(),
    createdAt: z.number().nullish(),
    completedAt: z.number().nullish(),
    error: z.string().nullish(),
  })
  .transform((job): RenderJob => ({
    id: job.id ?? job.taskId ?? "",
    status: renderStatus(job.status),
    progress: Math.max(0, Math.min(100, job.progress ?? 0)),
    url: job.outputUrl ?? job.output?.url ?? undefined,
    durationS: job.output?.duration ?? undefined,
    createdAt: job.createdAt ?? undefined,
    completedAt: job.completedAt ?? undefined,
    error: job.error ?? undefined,
  }));

/** The download endpoint's JSON form: `{"output":{"url","size"}}` (or a bare `url`). */
export const RenderDownload = z
  .looseObject({ url: z.string().optional(), output: z.looseObject({ url: z.string() }).optional() })
  .transform((answer, context) => {
    const url = answer.output?.url ?? answer.url;
    if (!url) {
      context.addIssue({ code: "custom", message: "no url" });
      return z.NEVER;
    }
    return { url };
  });

export type AnonymousToken = z.infer<typeof AnonymousToken>;
export type CreatedSession = z.infer<typeof CreatedSession>;
export type SessionState = z.infer<typeof SessionState>;
export type UploadedFiles = z.infer<typeof UploadedFiles>;
