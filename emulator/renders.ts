import { Hono } from "hono";
import { z } from "zod";
import { clips } from "./clips";
import { config } from "./config";
import { renderFail, renderOk } from "./envelope";
import { factsOf, takeFault } from "./faults";
import { hasSegments } from "./drafts";
import { mp4Response } from "./files";
import { cancelRender, createRender, renderStatus, renderView } from "./render-jobs";
import { store } from "./store";
import { PROGRESS_CURVES, type AppEnv, type ProgressCurve, type Render, type User } from "./types";

const RenderRequest = z.object({
  id: z.string().min(1),
  sessionId: z.string().optional(),
  draft: z.unknown(),
  output: z.object({ format: z.string().optional(), quality: z.string().optional() }).optional(),
});

const ATTRIBUTION = ["x-skill-source", "x-skill-version", "x-skill-platform"];

const ownRender = (user: User, id: string): Render | undefined => {
  const render = store.renders.get(id);
  return render?.userId === user.id ? render : undefined;
};

/** Arms a `fail-render` fault on a render that is still running. */
async function maybeFail(c: Parameters<typeof factsOf>[0], render: Render) {
  if (render.outcome) return;
  const fault = takeFault("fail-render", await factsOf(c));
  if (fault) render.failWith = typeof fault.message === "string" ? fault.message : "render failed: encoder error";
}

/** The render's length and progress curve from a `shape-render` fault, if one is armed for this request. */
async function shapeOf(c: Parameters<typeof factsOf>[0]): Promise<{ seconds?: number; progress?: ProgressCurve }> {
  const fault = takeFault("shape-render", await factsOf(c));
  if (!fault) return {};
  const seconds = typeof fault.seconds === "number" && fault.seconds > 0 ? fault.seconds : undefined;
  const progress = PROGRESS_CURVES.find((curve) => curve === fault.progress);
  return { seconds, progress };
}

/**
 * The job that already holds a submitted id: the render itself, or, with a `duplicate-render` fault, the account's
 * latest render (as if NemoVideo had matched the submission to it).
 */
async function holderOf(c: Parameters<typeof factsOf>[0], user: User, id: string): Promise<Render | undefined | "unknown"> {
  const existing = store.renders.get(id);
  if (existing) return existing;
  if (!takeFault("duplicate-render", await factsOf(c))) return undefined;
  return [...store.renders.values()].filter((render) => render.userId === user.id).at(-1) ?? "unknown";
}

/** The render proxy: export (free), poll, cancel, download. */
export const renderRoutes = new Hono<AppEnv>()
  .post("/api/render/proxy/lambda", async (c) => {
    const body = RenderRequest.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return renderFail(c, 400, "id and draft are required");
    const user = c.get("user");
    if (user.anonymous && ATTRIBUTION.some((name) => !c.req.header(name))) {
      return renderFail(c, 402, "export is not available on the free plan without skill attribution");
    }
    if (!hasSegments(body.data.draft)) return renderFail(c, 400, "draft is empty");
    const existing = await holderOf(c, user, body.data.id);
    if (existing) {
      if (existing === "unknown" || config().duplicateRender === "refuse" || existing.userId !== user.id) {
        return renderFail(c, 409, "duplicate render id");
      }
      return renderOk(c, { id: existing.id, ...renderStatus(existing) });
    }
    const render = createRender(body.data.id, user.id, body.data.sessionId, body.data.draft, await shapeOf(c));
    await maybeFail(c, render);
    return renderOk(c, { id: render.id, ...renderStatus(render, render.createdAt) });
  })
  .get("/api/render/proxy/lambda/:id", async (c) => {
    const render = ownRender(c.get("user"), c.req.param("id"));
    if (!render) return renderFail(c, 404, "render not found");
    await maybeFail(c, render);
    return renderOk(c, renderView(render, new URL(c.req.url).origin));
  })
  .post("/api/render/proxy/lambda/:id/cancel", (c) => {
    const render = ownRender(c.get("user"), c.req.param("id"));
    if (!render) return renderFail(c, 404, "render not found");
    if (render.outcome?.status === "completed") return renderFail(c, 409, "render already completed");
    cancelRender(render);
    return renderOk(c, renderView(render, new URL(c.req.url).origin));
  })
  .get("/api/render/proxy/:id/download", (c) => {
    const render = ownRender(c.get("user"), c.req.param("id"));
    if (!render) return renderFail(c, 404, "render not found");
    if (render.outcome?.status !== "completed") return renderFail(c, 409, "render not completed");
    const clip = clips[render.clip];
    const url = `${new URL(c.req.url).origin}/render-result/${render.id}.mp4`;
    const form = config().downloadForm;
    if (form === "redirect") return c.redirect(url, 302);
    if (form === "json") return c.json({ output: { url, size: clip.bytes.byteLength } });
    return mp4Response(c.req.raw, clip.bytes);
  });
