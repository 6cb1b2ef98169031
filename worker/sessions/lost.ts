import { AppError } from "../errors";
import type { SessionRecord } from "./schema";

/** What replacing a lost session answers: the session as it now stands, and whether this call replaced it. */
export type Replacement = { record: SessionRecord | null; replaced: boolean };

/**
 * Runs `work` on the session's NemoVideo session, on either side of RPC. If NemoVideo lost it (1002), `replace`
 * puts a fresh one in its place under the same public id (compare-and-swap on the lost one) and the person is told
 * that the old timeline is gone; if it had been replaced already (the record was a copy that lagged behind),
 * `work` runs once more, on the current one.
 * @example await recovering(record, (current) => nemo.state(current.upstreamId), (stale) => sessions.replace(visitorId, stale.id, stale.upstreamId))
 */
export async function recovering<T>(
  record: SessionRecord,
  work: (record: SessionRecord) => Promise<T>,
  replace: (stale: SessionRecord) => Promise<Replacement>,
): Promise<T> {
  try {
    return await work(record);
  } catch (error) {
    if (!(error instanceof AppError && error.code === "session_lost")) throw error;
    const { record: current, replaced } = await replace(record);
    if (replaced || !current || current.upstreamId === record.upstreamId) throw error;
    return work(current);
  }
}
