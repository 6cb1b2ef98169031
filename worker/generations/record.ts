import { estimate, estimatedCompletion } from "../estimates";
import type { ExportRecord } from "../exports/schema";
import { FINAL_GENERATION_STATUSES, type GenerationRecord } from "./schema";
import type { GenerationRow } from "./table";
import { delivered } from "./webhook";

/** What a generation shows of its turn: the assistant's reply, and when it was written. */
export interface TurnOutcome {
  reply: string;
  startedAt: number;
  endedAt?: number;
}

/**
 * When a running generation should be done: its export's estimate once it renders (that one knows the progress),
 * else the deployment's usual generation (`usualMs`) from when it was asked; none before anything is known.
 */
function estimated(row: GenerationRow, exported: ExportRecord | undefined, usualMs: number | undefined): { estimatedCompletionAt?: string } {
  if (FINAL_GENERATION_STATUSES.includes(row.status)) return {};
  if (row.status === "rendering" && exported?.estimatedCompletionAt) return { estimatedCompletionAt: exported.estimatedCompletionAt };
  return estimatedCompletion(estimate({ startedAt: row.createdAt, now: Date.now(), usualMs }));
}

/** A generation as the API shows it (before its signed link): its row, its turn's reply, its export's progress and estimate. */
export function toRecord(row: GenerationRow, turn?: TurnOutcome, exported?: ExportRecord, usualMs?: number): GenerationRecord {
  const messages: GenerationRecord["messages"] = [{ role: "user", text: row.prompt, at: row.createdAt }];
  if (turn?.reply) messages.push({ role: "assistant", text: turn.reply, at: turn.endedAt ?? turn.startedAt });
  return {
    generationId: row.id,
    status: row.status,
    prompt: row.prompt,
    ...(row.language ? { language: row.language } : {}),
    ...(row.sessionId ? { sessionId: row.sessionId } : {}),
    ...(row.exportId ? { exportId: row.exportId } : {}),
    ...(row.editOf ? { editOf: row.editOf } : {}),
    ...(row.conversationId ? { conversationId: row.conversationId } : {}),
    messages,
    ...(exported ? { progress: exported.progress } : {}),
    ...estimated(row, exported, usualMs),
    ...(row.status === "completed" && exported?.url ? { url: exported.url } : {}),
    ...(exported?.deletedAt ? { deletedAt: exported.deletedAt } : {}),
    ...(row.error ? { error: row.error } : {}),
    ...(row.webhookStatus
      ? {
          webhook: {
            status: row.webhookStatus,
            attempts: row.webhookAttempts,
            ...(row.webhookAttempts ? { lastStatus: delivered(row.webhookLastStatus) ? "delivered" : "failed" } : {}),
          },
        }
      : {}),
    createdAt: row.createdAt,
    ...(row.completedAt ? { completedAt: row.completedAt } : {}),
  };
}
