import type { InferResponseType } from "hono/client";
import { useRef, useState } from "preact/hooks";
import { isFinalExport } from "../../worker/exports/statuses";
import { ApiError, api, ok } from "../api";
import * as bridge from "../bridge";
import { t } from "../i18n";
import { followEvents } from "../stream";
import { type Trouble, troubleOf } from "../words";

/** An export as the API answers it (the type comes from the Worker's zod schema). */
export type ExportView = InferResponseType<(typeof api.exports)[":id"]["$get"], 200>;

/** How many finished exports a returning visitor is offered again. */
const EARLIER_SHOWN = 5;


/**
 * The session's export: start it (a second click answers the same export), follow its progress live, and
 * once it is done offer the player, the download and the claim link into NemoVideo's editor.
 */
export function useExport(sessionId: string | undefined, onTrouble: (trouble: Trouble) => void) {
  const [view, setView] = useState<ExportView | undefined>(undefined);
  const [claimUrl, setClaimUrl] = useState<string | undefined>(undefined);
  const [earlier, setEarlier] = useState<ExportView[]>([]);
  const following = useRef<string | undefined>(undefined);
  const shown = useRef<ExportView | undefined>(undefined);
  const show = (next: ExportView | undefined) => {
    shown.current = next;
    setView(next);
  };

  function finished(done: ExportView) {
    if (done.status === "completed" && done.downloadUrl) {
      bridge.video({ exportId: done.exportId, url: done.url ?? done.downloadUrl, downloadUrl: done.downloadUrl });
      ok(api.sessions[":id"].claim.$get({ param: { id: done.sessionId } }))
        .then(({ url }) => setClaimUrl(url))
        .catch(() => setClaimUrl(undefined));
    }
    if (done.status === "failed") onTrouble(troubleOf(done.error ?? new ApiError("internal", t.exportFailed)));
  }

  /** Follows the export's events until a final status; a dropped stream is opened again. */
  async function follow(start: ExportView) {
    if (following.current === start.exportId) return;
    following.current = start.exportId;
    const previous = shown.current;
    if (previous?.status === "completed" && previous.exportId !== start.exportId)
      setEarlier((list) => [previous, ...list.filter((each) => each.exportId !== previous.exportId)].slice(0, EARLIER_SHOWN));
    show(start);
    let latest = start;
    const { lost, error } = isFinalExport(start.status)
      ? {}
      : await followEvents({
          open: () => api.exports[":id"].events.$get({ param: { id: start.exportId } }),
          onEvent({ event, data }) {
            if (event === "status") {
              latest = data as ExportView;
              show(latest);
            }
            return isFinalExport(latest.status);
          },
        });
    following.current = undefined;
    if (isFinalExport(latest.status)) return finished(latest);
    // The progress can't be followed: say so and offer Export again, which joins the export still running.
    show(undefined);
    const trouble = error ?? lost;
    onTrouble(troubleOf(trouble instanceof ApiError ? trouble : new ApiError("network", t.errors.network)));
  }

  /** Starts an export of the session, or joins the one already running. */
  async function start() {
    if (!sessionId) return;
    setClaimUrl(undefined);
    try {
      const started = await ok(api.sessions[":id"].exports.$post({ param: { id: sessionId }, json: {} }));
      await follow(started as ExportView);
    } catch (error) {
      const failure = error instanceof ApiError ? error : new ApiError("internal", t.exportFailed);
      onTrouble(failure.code === "export_not_ready" ? { code: failure.code, text: t.nothingToExport } : troubleOf(failure));
    }
  }

  /** A returning visitor: the session's newest export, finished or still running. */
  async function load() {
    if (!sessionId) return;
    const { exports } = await ok(api.exports.$get());
    const newest = exports.find((each) => each.sessionId === sessionId && each.status !== "cancelled");
    setEarlier(
      exports
        .filter((each) => each.status === "completed" && each.exportId !== newest?.exportId)
        .slice(0, EARLIER_SHOWN),
    );
    if (!newest) return;
    if (isFinalExport(newest.status)) {
      show(newest);
      if (newest.status === "completed") finished(newest);
    } else void follow(newest);
  }

  return { view, claimUrl, earlier, start, load };
}
