import { config } from "./config";
import { now, scaled } from "./clock";
import { clipIndexFor, clips } from "./clips";
import { pick } from "./ids";
import { store } from "./store";
import type { Render } from "./types";

export type RenderStatus = "pending" | "processing" | "completed" | "failed";

/** A new render: 30–90 s (scaled) and a clip, both picked from the draft. */
export function createRender(id: string, userId: string, sessionId: string | undefined, draft: unknown): Render {
  const key = JSON.stringify(draft);
  const render: Render = {
    id,
    userId,
    sessionId,
    createdAt: now(),
    durationMs: scaled(pick(key, 30, 90) * 1000),
    clip: clipIndexFor(key),
  };
  store.renders.set(id, render);
  return render;
}

const outputPath = (render: Render) => `/render-result/${render.id}.mp4`;

/** Progress moves with time: 5 at the start, 99 at most until the render is done. */
function liveProgress(render: Render, at: number): number {
  const fraction = Math.min(1, (at - render.createdAt) / render.durationMs);
  return Math.min(99, 5 + Math.floor(95 * fraction));
}

/** Ends a render whose time is up: completed (its output appears on the CDN) or failed by a fault. */
export function settleRender(render: Render, at = now()): void {
  if (render.outcome || at < render.createdAt + render.durationMs) return;
  const end = render.createdAt + render.durationMs;
  if (render.failWith) {
    render.outcome = { status: "failed", at: end, progress: liveProgress(render, end), error: render.failWith };
    return;
  }
  render.outcome = { status: "completed", at: end, progress: 100 };
  store.cdn.set(outputPath(render), render.clip);
}

/** Cancels a running render: it reports `failed` with error "cancelled". */
export function cancelRender(render: Render, at = now()): void {
  if (!render.outcome) render.outcome = { status: "failed", at, progress: liveProgress(render, at), error: "cancelled" };
}

/** Status and progress now: `pending` for the first ~10 % of the time, then `processing`. */
export function renderStatus(render: Render, at = now()): { status: RenderStatus; progress: number } {
  if (render.outcome) return { status: render.outcome.status, progress: render.outcome.progress };
  const fraction = (at - render.createdAt) / render.durationMs;
  return { status: fraction < 0.1 ? "pending" : "processing", progress: liveProgress(render, at) };
}

/** The poll answer, in shape A or B (the `renderShape` switch). */
export function renderView(render: Render, origin: string) {
  const { status, progress } = renderStatus(render);
  const clip = clips[render.clip];
  const url = status === "completed" ? `${origin}${outputPath(render)}` : null;
  const error = render.outcome?.error === undefined ? {} : { error: render.outcome.error };
  if (config().renderShape === "b") {
    const output = url ? { url, duration: clip.durationS, size: clip.bytes.byteLength } : null;
    return { taskId: render.id, status, progress, output, ...error };
  }
  return {
    id: render.id,
    status,
    progress,
    outputUrl: url,
    createdAt: render.createdAt,
    completedAt: render.outcome?.at ?? null,
    ...error,
  };
}
