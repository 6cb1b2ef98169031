import { config } from "./config";
import { now, scaled } from "./clock";
import { clipForDraft, clips } from "./clips";
import { pick } from "./ids";
import { store } from "./store";
import type { ProgressCurve, Render } from "./types";

export type RenderStatus = "pending" | "processing" | "completed" | "failed";

/**
 * Progress at a fraction of the render's time, by curve: NemoVideo documents progress 0–100 and nothing about its
 * shape. 5 at the start; "none" leaves the field out altogether.
 */
const CURVES: Record<ProgressCurve, (fraction: number) => number | undefined> = {
  straight: (f) => 5 + 95 * f,
  // A few percent for three quarters of the time, then the rest at once.
  "slow-start": (f) => (f < 0.75 ? 5 + 12 * (f / 0.75) : 17 + 83 * ((f - 0.75) / 0.25)),
  // 95 after the first 30 %, then nothing until the end.
  plateau: (f) => (f < 0.3 ? 5 + 90 * (f / 0.3) : 95),
  // 5, 30, 55, 80: a jump at each quarter.
  steps: (f) => 5 + 25 * Math.floor(4 * f),
  stuck: () => 5,
  none: () => undefined,
};

/** A render of `seconds` (before scaling; else 30–90 s picked from the draft) whose progress follows `curve`. */
export function createRender(
  id: string,
  userId: string,
  sessionId: string | undefined,
  draft: unknown,
  shape: { seconds?: number; progress?: ProgressCurve } = {},
): Render {
  const key = JSON.stringify(draft);
  const render: Render = {
    id,
    userId,
    sessionId,
    createdAt: now(),
    durationMs: scaled((shape.seconds ?? pick(key, 30, 90)) * 1000),
    progress: shape.progress ?? config().renderProgress,
    clip: clipForDraft(draft),
  };
  store.renders.set(id, render);
  return render;
}

const outputPath = (render: Render) => `/render-result/${render.id}.mp4`;

/** Progress now, reported rounded down and at most 99 until the render is done. */
function liveProgress(render: Render, at: number): number | undefined {
  const fraction = Math.max(0, Math.min(1, (at - render.createdAt) / render.durationMs));
  const progress = CURVES[render.progress](fraction);
  return progress === undefined ? undefined : Math.min(99, Math.floor(progress));
}

/** Ends a render whose time is up: completed (its output appears on the CDN) or failed by a fault. */
export function settleRender(render: Render, at = now()): void {
  if (render.outcome || at < render.createdAt + render.durationMs) return;
  const end = render.createdAt + render.durationMs;
  if (render.failWith) {
    render.outcome = { status: "failed", at: end, progress: liveProgress(render, end), error: render.failWith };
    return;
  }
  render.outcome = { status: "completed", at: end, progress: render.progress === "none" ? undefined : 100 };
  store.cdn.set(outputPath(render), render.clip);
}

/** Cancels a running render: it reports `failed` with error "cancelled". */
export function cancelRender(render: Render, at = now()): void {
  if (!render.outcome) render.outcome = { status: "failed", at, progress: liveProgress(render, at), error: "cancelled" };
}

/** Status and progress now: `pending` for the first ~10 % of the time, then `processing`. */
export function renderStatus(render: Render, at = now()): { status: RenderStatus; progress?: number } {
  if (render.outcome) return withProgress(render.outcome.status, render.outcome.progress);
  const fraction = (at - render.createdAt) / render.durationMs;
  return withProgress(fraction < 0.1 ? "pending" : "processing", liveProgress(render, at));
}

const withProgress = (status: RenderStatus, progress: number | undefined) =>
  progress === undefined ? { status } : { status, progress };

/** The poll answer, in shape A or B (the `renderShape` switch); without the file's address if `renderOutputUrl` is off. */
export function renderView(render: Render, origin: string) {
  const { status, progress } = renderStatus(render);
  const clip = clips[render.clip];
  const url = status === "completed" && config().renderOutputUrl ? `${origin}${outputPath(render)}` : null;
  const error = render.outcome?.error === undefined ? {} : { error: render.outcome.error };
  const progressField = progress === undefined ? {} : { progress };
  if (config().renderShape === "b") {
    const output = url ? { url, duration: clip.durationS, size: clip.bytes.byteLength } : null;
    return { taskId: render.id, status, ...progressField, output, ...error };
  }
  return {
    id: render.id,
    status,
    ...progressField,
    outputUrl: url,
    createdAt: render.createdAt,
    completedAt: render.outcome?.at ?? null,
    ...error,
  };
}
