import type { ExportRecord } from "../exports/schema";
import type { GenerationRecord } from "./schema";
import type { GenerationRow } from "./table";
import { delivered } from "./webhook";

/** What a generation shows of its turn: the assistant's reply, and when it was written. */
export interface TurnOutcome {
  reply: string;
  startedAt: number;
  endedAt?: number;
}

/** A generation as the API shows it (before its signed link): its row, its turn's reply, its export's progress. */
export function toRecord(row: GenerationRow, turn?: TurnOutcome, exported?: ExportRecord): GenerationRecord {
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
