import { type Context, Hono } from "hono";
import { AppError } from "../errors";
import { serveFile } from "../exports/download";
import type { AppEnv } from "../http";
import type { LibraryVideo } from "./library";
import { posterAnswer } from "./posters";
import { embedPage, notSharedPage, oembedOf, sharePage } from "./share-page";
import { publicAddresses, sharedVideo } from "./shared";

/** A shared video's public addresses, from the origin the request was made to. */
const addresses = (c: Context<AppEnv>, shareId: string, video: LibraryVideo) => publicAddresses(c.env, new URL(c.req.url).origin, shareId, video);

const gone = () => new AppError("not_found", "This video is not shared (any more).");

/**
 * Share pages, public (no key): `/v/<shareId>` plays the video with no script and carries what link previews read;
 * `/embed` is the player alone; `video.mp4` answers byte ranges; `poster.jpg` is its still (or PromptReel's card);
 * `/oembed?url=` describes a share page for sites that embed by oEmbed.
 */
export const shares = new Hono<AppEnv>()
  .get("/v/:shareId", async (c) => {
    const video = await sharedVideo(c.env, c.req.param("shareId"));
    if (!video) return c.html(notSharedPage(new URL(c.req.url).origin), 404);
    return c.html(sharePage(addresses(c, c.req.param("shareId"), video)));
  })
  .get("/v/:shareId/embed", async (c) => {
    const video = await sharedVideo(c.env, c.req.param("shareId"));
    if (!video) throw gone();
    return c.html(embedPage(addresses(c, c.req.param("shareId"), video)));
  })
  .get("/v/:shareId/video.mp4", async (c) => {
    const video = await sharedVideo(c.env, c.req.param("shareId"));
    const answer = video && (await serveFile(c.env.VIDEOS, video.fileKey, c.req.raw));
    if (!answer) throw gone();
    answer.headers.set("Cache-Control", "public, max-age=300");
    return answer;
  })
  .get("/v/:shareId/poster.jpg", async (c) => {
    const video = await sharedVideo(c.env, c.req.param("shareId"));
    if (!video) throw gone();
    return (await posterAnswer(c.env.VIDEOS, video.posterKey, "public, max-age=300")) ?? c.redirect("/share-card.png", 302);
  })
  .get("/oembed", async (c) => {
    const url = c.req.query("url") ?? "";
    const origin = new URL(c.req.url).origin;
    const shareId = url.startsWith(`${origin}/v/`) ? url.slice(origin.length + 3).split(/[/?#]/)[0] : "";
    if (c.req.query("format") && c.req.query("format") !== "json")
      throw new AppError("invalid_request", "oEmbed answers JSON only (format=json).");
    const video = await sharedVideo(c.env, shareId);
    if (!video) throw gone();
    return c.json(oembedOf(addresses(c, shareId, video)));
  });
