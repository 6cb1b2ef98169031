import { ApiError, api, everyPage, ok } from "../api";
import * as bridge from "../bridge";
import { isFinalExport } from "../../worker/exports/statuses";
import { t } from "../i18n";
import { refreshVideo } from "../library/videos";
import { tellDone } from "../notify";
import { type ExportView, numbered, store } from "../state";
import { followStatus } from "../stream";
import { troubleOf } from "../words";
import { showTrouble } from "./trouble";

/** How many of the session's finished videos a returning visitor finds again in the conversation. */
const KEPT_SHOWN = 5;

let following: string | undefined;

/** The export as the conversation shows it now. */
function show(view: ExportView): void {
  store.exports.value = { ...store.exports.value, [view.exportId]: { view } };
}

/** A video's place in the conversation: here, once. */
function place(videoId: string): void {
  if (!store.lines.value.some((line) => line.videoId === videoId))
    store.lines.value = [...store.lines.value, ...numbered([{ role: "video", text: "", videoId }])];
}

/**
 * A video is done (an export, or a variation's): into the library, which every screen reads, as a video of its
 * conversation; said in the tab's title (and a notification) when it finished while the tab was hidden.
 */
export async function videoDone(videoId: string, conversationId: string | undefined, live: boolean): Promise<void> {
  if (conversationId) store.videoSessions.value = { ...store.videoSessions.value, [videoId]: conversationId };
  const video = await refreshVideo(videoId).catch(() => undefined);
  if (live) tellDone(video?.title ?? t.videoReady);
}

/** A finished export: its video done, to the widget's host, and its project's claim link. */
async function finished(view: ExportView, live: boolean): Promise<void> {
  if (view.status === "failed") return showTrouble(troubleOf(view.error ?? new ApiError("internal", t.exportFailed)));
  if (view.status !== "completed" || !view.downloadUrl) return;
  bridge.video({ exportId: view.exportId, url: view.url ?? view.downloadUrl, downloadUrl: view.downloadUrl });
  await videoDone(view.exportId, view.sessionId, live);
  store.claimUrl.value = store.sampleClips.value
    ? undefined
    : await ok(api.sessions[":id"].claim.$get({ param: { id: view.sessionId } })).then(({ url }) => url, () => undefined);
}

/** Follows an export's events until a final status; a dropped stream is opened again. */
async function follow(start: ExportView): Promise<void> {
  if (following === start.exportId) return;
  following = start.exportId;
  place(start.exportId);
  const final = (view: ExportView) => isFinalExport(view.status);
  const { latest, trouble } = await followStatus(start, final, show, () => api.exports[":id"].events.$get({ param: { id: start.exportId } }));
  following = undefined;
  if (final(latest)) return finished(latest, !final(start));
  // The progress can't be followed: say so; Export again joins the export still running.
  const { [start.exportId]: _gone, ...rest } = store.exports.value;
  store.exports.value = rest;
  showTrouble(troubleOf(trouble instanceof ApiError ? trouble : new ApiError("network", t.errors.network)));
}

/** Starts an export of the conversation's timeline, or joins the one already running. */
export async function startExport(): Promise<void> {
  const id = store.sessionId.value;
  if (!id) return;
  store.claimUrl.value = undefined;
  try {
    await follow((await ok(api.sessions[":id"].exports.$post({ param: { id }, json: {} }))) as ExportView);
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError("internal", t.exportFailed);
    showTrouble(failure.code === "export_not_ready" ? { code: failure.code, text: t.nothingToExport } : troubleOf(failure));
  }
}

/** Cancels a running export; its stream then brings the final status. */
export async function cancelExport(exportId: string): Promise<void> {
  await ok(api.exports[":id"].cancel.$post({ param: { id: exportId } })).catch((error) => showTrouble(troubleOf(error)));
}

/**
 * A returning visitor: the conversation's finished videos (to be placed where they were made), the export still
 * running (followed again), and which conversation made each of the visitor's videos.
 */
export async function loadExports(sessionId: string): Promise<{ videoId: string; at: number }[]> {
  const exports = await everyPage(async (query) => {
    const page = await ok(api.exports.$get({ query }));
    return [page.exports, page.nextCursor];
  });
  store.videoSessions.value = { ...store.videoSessions.value, ...Object.fromEntries(exports.map((each) => [each.exportId, each.sessionId])) };
  const mine = exports.filter((each) => each.sessionId === sessionId && each.status !== "cancelled");
  const done = mine.filter((each) => each.status === "completed").slice(0, KEPT_SHOWN);
  for (const each of done) show(each);
  if (done[0]) void finished(done[0], false);
  const running = mine.find((each) => !isFinalExport(each.status));
  if (running) setTimeout(() => void follow(running));
  return done.map((each) => ({ videoId: each.exportId, at: each.createdAt }));
}
