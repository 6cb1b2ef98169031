import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Hono } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { chat } from "./chat/routes";
import { playsSampleClips, readConfig } from "./config";
import { credits } from "./credits/routes";
import { reference } from "./docs/routes";
import { AppError, toAppError } from "./errors";
import { exportDownloads, exports } from "./exports/routes";
import { generations } from "./generations/routes";
import { type AppEnv, createRouter, sendError, smallBody } from "./http";
import { mcp } from "./mcp/routes";
import { authorize, signIns } from "./oauth/routes";
import { framedByPolicy, htmlPolicy, pages } from "./pages/routes";
import { sessions } from "./sessions/routes";
import { uploads } from "./uploads/routes";
import { videoPosters, videos } from "./videos/routes";
import { shares } from "./videos/share-routes";
import { visitors } from "./visitors/routes";

const api = createRouter();
api.openAPIRegistry.registerComponent("securitySchemes", "visitorKey", {
  type: "http",
  scheme: "bearer",
  description: "The key from POST /visitors.",
});

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["Health"],
  summary: "Whether the API answers",
  middleware: [smallBody],
  responses: {
    200: { content: { "application/json": { schema: z.object({ ok: z.literal(true) }) } }, description: "It does." },
  },
});

const service = createRoute({
  method: "get",
  path: "/service",
  tags: ["Health"],
  summary: "What stands behind this deployment",
  middleware: [smallBody],
  description:
    "`sampleClips` is true when PromptReel's built-in stand-in for NemoVideo answers (`npm start`): its videos are sample clips, not made from the prompt. The page says so.",
  responses: {
    200: { content: { "application/json": { schema: z.object({ sampleClips: z.boolean() }).openapi("Service") } }, description: "It." },
  },
});

/**
 * The JSON API under /api/v1. Each route declares its body limit and its authentication (`middleware:`, beside its
 * OpenAPI `security`): everything but POST /visitors, health and the document needs a visitor key.
 */
export const routes = api
  .openapi(health, (c) => c.json({ ok: true as const }, 200))
  .openapi(service, (c) => c.json({ sampleClips: playsSampleClips(c.env) }, 200))
  .route("/", visitors)
  // Opened by signed links, not the typed client: their loosely typed answers stay out of its types.
  .route("/", exportDownloads as unknown as Hono<AppEnv>)
  .route("/", videoPosters as unknown as Hono<AppEnv>)
  .route("/", credits)
  .route("/", sessions)
  .route("/", chat)
  .route("/", uploads)
  .route("/", exports)
  .route("/", generations)
  .route("/", videos)
  .route("/", signIns);

/** The whole Worker: middleware, the API, the reference, and the page's addresses. */
export const app = new OpenAPIHono<AppEnv>()
  .use(async (c, next) => {
    const config = readConfig(c.env);
    // A deployment without a proper signing secret serves nothing rather than something unsafe.
    if (config.setupProblem) {
      console.error("not set up:", config.setupProblem);
      return sendError(c, new AppError("misconfigured", "This PromptReel server is not set up yet (its signing secret is missing or too short). If you run it, see the README's Deploying section."));
    }
    c.set("config", config);
    await next();
  })
  .use(framedByPolicy)
  .use(htmlPolicy)
  .use(secureHeaders({ crossOriginResourcePolicy: "cross-origin" }))
  .use("/api/*", async (c, next) =>
    cors({ origin: c.var.config.CORS_ORIGINS, exposeHeaders: ["Content-Disposition"], maxAge: 600 })(c, next),
  )
  .get("/health", (c) => c.json({ ok: true }))
  // /api/v1/openapi.json and /api/docs, made by `vite build` from `routes` (worker/reference.ts).
  .route("/", reference)
  .route("/api/v1", routes)
  .route("/", mcp)
  .route("/", authorize)
  // The provider (worker/index.ts) answers the OAuth documents; any other well-known address is nothing, not the page.
  .all("/.well-known/*", (c) => sendError(c, new AppError("not_found", "There is nothing at this address.")))
  .route("/", shares)
  .route("/", pages)
  .notFound((c) => sendError(c, new AppError("not_found", "There is nothing at this address.")))
  .onError((error, c) => {
    const appError = toAppError(error);
    if (appError.code === "internal") console.error("unhandled error", error instanceof Error ? error.stack : error);
    return sendError(c, appError);
  });
