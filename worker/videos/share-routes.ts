import { Hono } from "hono";
import { playsSampleClips } from "../config";
import { AppError } from "../errors";
import { serveFile } from "../exports/file";
import type { AppEnv } from "../http";
import { ownerOfShare } from "./cache";
import type { LibraryVideo } from "./library";
import { ShareParams } from "./schema";
import { embedPage, notSharedPage, oembedOf, type SharedVideo, sharePage } from "./share-page";
import { shareUrlOf } from "./view";

type Context = { env: AppEnv["Bindings"]; req: { url: string } };

/** The video behind a share page while it is shared, or undefined (never shared, taken down, deleted). */
async function sharedVideo(c: Context, shareId: string): Promise<LibraryVideo | undefined> {
  if (!ShareParams.shape.shareId.safeParse(shareId).success) return undefined;
  const visitorId = await ownerOfShare(c.env, shareId);
  if (!visitorId) return undefined;
  // The visitor's Object decides: KV only says where to ask.
  return c.env.VISITOR.get(c.env.VISITOR.idFromName(visitorId)).sharedVideo(shareId);
}

/** A shared video's public addresses, from the origin it was asked at. */
function addresses(c: Context, shareId: string, video: LibraryVideo): SharedVideo {
  const origin = new URL(c.req.url).origin;
  const page = shareUrlOf(origin, shareId);
  return {
    title: video.title,
    durationS: video.durationS,
    width: video.width,
    height: video.height,
    pageUrl: page,
    embedUrl: `${page}/embed`,
    videoUrl: `${page}/video.mp4`,
    posterUrl: `${page}/poster.jpg`,
    appUrl: `${origin}/`,
    sampleClip: playsSampleClips(c.env),
  };
}

const gone = () => new AppError("not_found", "This video is not shared (any more).");

/**
 * Share pages, public (no key): `/v/<shareId>` plays the video with no script and carries what link previews read;
 * `/embed` is the player alone; `video.mp4` answers byte ranges; `poster.jpg` is its still (or PromptReel's card);
 * `/oembed?url=` describes a share page for sites that embed by oEmbed.
 */
export const shares = new Hono<AppEnv>()
  .get("/v/:shareId", async (c) => {
    const video = await sharedVideo(c, c.req.param("shareId"));
    if (!video) return c.html(notSharedPage(new URL(c.req.url).origin), 404);
    return c.html(sharePage(addresses(c, c.req.param("shareId"), video)));
  })
  .get("/v/:shareId/embed", async (c) => {
    const video = await sharedVideo(c, c.req.param("shareId"));
    if (!video) throw gone();
    return c.html(embedPage(addresses(c, c.req.param("shareId"), video)));
  })
  .get("/v/:shareId/video.mp4", async (c) => {
    const video = await sharedVideo(c, c.req.param("shareId"));
    const answer = video && (await serveFile(c.env.VIDEOS, video.fileKey, c.req.raw));
    if (!answer) throw gone();
    answer.headers.set("Cache-Control", "public, max-age=300");
    return answer;
  })
  .get("/v/:shareId/poster.jpg", async (c) => {
    const video = await sharedVideo(c, c.req.param("shareId"));
    if (!video) throw gone();
    const poster = video.posterKey && (await c.env.VIDEOS.get(video.posterKey));
    if (!poster) return c.redirect("/share-card.png", 302);
    return new Response(poster.body, { headers: { "Content-Type": "image/jpeg", "Cache-Control": "public, max-age=300" } });
  })
  .get("/oembed", async (c) => {
    const url = c.req.query("url") ?? "";
    const origin = new URL(c.req.url).origin;
    const shareId = url.startsWith(`${origin}/v/`) ? url.slice(origin.length + 3).split(/[/?#]/)[0] : "";
    if (c.req.query("format") && c.req.query("format") !== "json")
      throw new AppError("invalid_request", "oEmbed answers JSON only (format=json).");
    const video = await sharedVideo(c, shareId);
    if (!video) throw gone();
    return c.json(oembedOf(addresses(c, shareId, video)));
  });
