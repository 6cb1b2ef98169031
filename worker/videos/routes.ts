import { createRoute, z } from "@hono/zod-openapi";
import { settle } from "../errors";
import { type AppEnv, createRouter, errorResponse, keyOrSignature, requireVisitor, security, SignedQuery, smallBody, unauthorized } from "../http";
import { secretOf } from "../signing";
import type { LibraryVideo } from "./library";
import { callerPoster, keepPoster, POSTER_MAX_BYTES } from "./posters";
import { shareUrlOf, videoView } from "./view";
import { Share, Video, VideoParams } from "./schema";
import { idempotent } from "../idempotency/middleware";
import { NextCursor, PageQuery, pageAsk } from "../cursor";

const noSuchVideo = errorResponse("No such video for this visitor.");
const jpeg = { content: { "image/jpeg": { schema: { type: "string" as const, format: "binary" } } } };

const list = createRoute({
  method: "get",
  path: "/videos",
  tags: ["Videos"],
  summary: "My videos: every finished video, newest first",
  description: "Each is kept in PromptReel's own storage (NemoVideo's result links are not ours to keep) until it is deleted.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { query: PageQuery },
  responses: {
    200: { content: { "application/json": { schema: z.object({ videos: z.array(Video), nextCursor: NextCursor }) } }, description: "A page of the videos." },
    400: errorResponse("A limit outside 1–100, or an `after` this API did not give."),
    401: unauthorized,
  },
});

const read = createRoute({
  method: "get",
  path: "/videos/{id}",
  tags: ["Videos"],
  summary: "One video",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: VideoParams },
  responses: { 200: { content: { "application/json": { schema: Video } }, description: "The video." }, 401: unauthorized, 404: noSuchVideo },
});

const remove = createRoute({
  method: "delete",
  path: "/videos/{id}",
  tags: ["Videos"],
  summary: "Delete a video",
  description: "Our copy, its poster and its share page are gone; its download answers 404 from then on.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: VideoParams },
  responses: { 204: { description: "Deleted." }, 401: unauthorized, 404: noSuchVideo },
});

const share = createRoute(idempotent({
  method: "post",
  path: "/videos/{id}/share",
  tags: ["Videos"],
  summary: "Share a video: a public page that plays it",
  description:
    "Answers the page's absolute address, this deployment's `/v/<shareId>`: an unguessable id, not the video's. The page plays with no script and carries Open Graph, a Twitter player card and oEmbed discovery. Sharing again answers the same page.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: VideoParams },
  responses: {
    201: { content: { "application/json": { schema: Share } }, description: "Shared now." },
    200: { content: { "application/json": { schema: Share } }, description: "It was shared already." },
    401: unauthorized,
    404: noSuchVideo,
  },
}));

const unshare = createRoute({
  method: "delete",
  path: "/videos/{id}/share",
  tags: ["Videos"],
  summary: "Take a video's share page down",
  description: "The page, its video and its poster answer 404 from then on.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: VideoParams },
  responses: { 204: { description: "Taken down." }, 401: unauthorized, 404: noSuchVideo },
});

const putPoster = createRoute({
  method: "put",
  path: "/videos/{id}/poster",
  tags: ["Videos"],
  summary: "Give a video its poster (a still, JPEG)",
  description: `A Worker can't decode video, so the page draws a frame from its player and sends it here (a JPEG of at most ${POSTER_MAX_BYTES / 1024} KB: its first and last bytes are checked, anything else is refused with 415 and nothing is kept). It shows in the library, on the share page and in link previews.`,
  security,
  // Its own limit, checked as it is read (posters.ts).
  middleware: [requireVisitor],
  request: { params: VideoParams, body: { ...jpeg, required: true } },
  responses: {
    204: { description: "Kept." },
    401: unauthorized,
    404: noSuchVideo,
    413: errorResponse("Over the size limit."),
    415: errorResponse("Not a JPEG."),
  },
});

const getPoster = createRoute({
  method: "get",
  path: "/videos/{id}/poster.jpg",
  tags: ["Videos"],
  summary: "A video's poster",
  description: "Authorised by the visitor key, or by the signature of the video's `posterUrl`.",
  security: [{ visitorKey: [] }, {}],
  middleware: [smallBody, keyOrSignature("poster")],
  request: { params: VideoParams, query: SignedQuery },
  responses: { 200: { ...jpeg, description: "The poster." }, 401: unauthorized, 404: noSuchVideo },
});

/** A video as the API shows it, from the request: absolute, signed addresses, and its share page. */
const view = (c: { var: AppEnv["Variables"]; req: { url: string } }, video: LibraryVideo) =>
  videoView(video, new URL(c.req.url).origin, c.var.visitor.visitorId, secretOf(c.var.config));

export const videos = createRouter()
  .openapi(list, async (c) => {
    const { videos, nextCursor } = settle(await c.var.visitor.stub.videoList(pageAsk(c.req.valid("query"))));
    return c.json({ videos: await Promise.all(videos.map((video) => view(c, video))), nextCursor }, 200);
  })
  .openapi(read, async (c) => c.json(await view(c, settle(await c.var.visitor.stub.videoRead(c.req.valid("param").id))), 200))
  .openapi(remove, async (c) => {
    settle(await c.var.visitor.stub.videoDelete(c.req.valid("param").id));
    return c.body(null, 204);
  })
  .openapi(share, async (c) => {
    const { visitorId, stub } = c.var.visitor;
    const { shareId, created } = settle(await stub.videoShare(visitorId, c.req.valid("param").id));
    return c.json({ shareUrl: shareUrlOf(new URL(c.req.url).origin, shareId) }, created ? 201 : 200);
  })
  .openapi(unshare, async (c) => {
    settle(await c.var.visitor.stub.videoUnshare(c.req.valid("param").id));
    return c.body(null, 204);
  })
  .openapi(putPoster, async (c) => {
    await keepPoster(c.var.visitor, c.req.valid("param").id, c.req.raw);
    return c.body(null, 204);
  });

/** The poster route, which the signature of a `posterUrl` opens too (a router of its own, early in the OpenAPI document). */
export const videoPosters = createRouter().openapi(getPoster, async (c) => callerPoster(c.var.visitor, c.req.param("id") as string) as never);
