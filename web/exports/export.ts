import type { InferResponseType } from "hono/client";
import { useRef, useState } from "preact/hooks";
import { isFinalExport } from "../../worker/exports/statuses";
import { ApiError, api, ok } from "../api";
import * as bridge from "../bridge";
import { t } from "../i18n";
import type { Reading } from "../player/time";
import { followEvents } from "../stream";
import { type Trouble, troubleOf } from "../words";

/** An export as the API answers it (the type comes from the Worker's zod schema). */
export type ExportView = InferResponseType<(typeof api.exports)[":id"]["$get"], 200>;

/** An export as the conversation shows it: the API's view, and the progress readings the time left comes from. */
export interface Shown {
  view: ExportView;
  first: Reading;
  latest: Reading;
}

/** How many of the session's finished videos a returning visitor finds again in the conversation. */
const KEPT_SHOWN = 5;

export interface ExportHooks {
  /** An export the conversation has not shown yet: its place in the conversation is now. */
  started(exportId: string): void;
  trouble(trouble: Trouble): void;
}

/**
 * The session's exports: start one (a second click answers the same export), follow its progress live, cancel it,
 * and once it is done hand it to the player (and to the widget's host).
 */
export function useExport(sessionId: string | undefined, given: ExportHooks) {
  const hooksRef = useRef(given);
  hooksRef.current = given;
  const hooks = { started: (id: string) => hooksRef.current.started(id), trouble: (trouble: Trouble) => hooksRef.current.trouble(trouble) };
  const [shown, setShown] = useState<Record<string, Shown>>({});
  const [claimUrl, setClaimUrl] = useState<string | undefined>(undefined);
  const [running, setRunning] = useState<string | undefined>(undefined);
  const following = useRef<string | undefined>(undefined);

  const show = (view: ExportView) =>
    setShown((all) => {
      const reading = { progress: view.progress, at: Date.now() };
      const before = all[view.exportId];
      return { ...all, [view.exportId]: { view, first: before?.first ?? reading, latest: reading } };
    });

  function finished(done: ExportView) {
    if (done.status === "completed" && done.downloadUrl) {
      bridge.video({ exportId: done.exportId, url: done.url ?? done.downloadUrl, downloadUrl: done.downloadUrl });
      ok(api.sessions[":id"].claim.$get({ param: { id: done.sessionId } }))
        .then(({ url }) => setClaimUrl(url))
        .catch(() => setClaimUrl(undefined));
    }
    if (done.status === "failed") hooks.trouble(troubleOf(done.error ?? new ApiError("internal", t.exportFailed)));
  }

  /** Follows the export's events until a final status; a dropped stream is opened again. */
  async function follow(start: ExportView) {
    if (following.current === start.exportId) return;
    following.current = start.exportId;
    hooks.started(start.exportId);
    show(start);
    let latest = start;
    if (!isFinalExport(start.status)) setRunning(start.exportId);
    const { lost, error } = isFinalExport(start.status)
      ? {}
      : await followEvents({
          open: () => api.exports[":id"].events.$get({ param: { id: start.exportId } }),
          onEvent({ event, data }) {
            if (event === "status") show((latest = data as ExportView));
            return isFinalExport(latest.status);
          },
        });
    following.current = undefined;
    setRunning(undefined);
    if (isFinalExport(latest.status)) return finished(latest);
    // The progress can't be followed: say so and offer Export again, which joins the export still running.
    setShown(({ [start.exportId]: _gone, ...rest }) => rest);
    const trouble = error ?? lost;
    hooks.trouble(troubleOf(trouble instanceof ApiError ? trouble : new ApiError("network", t.errors.network)));
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
      hooks.trouble(failure.code === "export_not_ready" ? { code: failure.code, text: t.nothingToExport } : troubleOf(failure));
    }
  }

  /** Cancels the running export; its stream then brings the final status. */
  async function cancel(exportId: string) {
    await ok(api.exports[":id"].cancel.$post({ param: { id: exportId } })).catch((error) => hooks.trouble(troubleOf(error)));
  }

  /**
   * A returning visitor: the session's finished videos (oldest first, to be placed in the conversation where they
   * were made), and the export still running, followed again.
   */
  async function load(): Promise<ExportView[]> {
    if (!sessionId) return [];
    const { exports } = await ok(api.exports.$get());
    const mine = exports.filter((each) => each.sessionId === sessionId && each.status !== "cancelled");
    const done = mine.filter((each) => each.status === "completed").slice(0, KEPT_SHOWN).reverse();
    for (const each of done) show(each);
    const newest = done.at(-1);
    if (newest) finished(newest);
    const runningNow = mine.find((each) => !isFinalExport(each.status));
    if (runningNow) void follow(runningNow);
    return done;
  }

  return { shown, claimUrl, running, start, cancel, load };
}
