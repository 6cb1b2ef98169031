import { signedLink } from "../signing";
import type { LibraryVideo } from "./library";
import type { Video } from "./schema";

/** A share page's absolute address: this deployment's origin, `/v/`, and the page's id. */
export const shareUrlOf = (origin: string, shareId: string) => `${origin}/v/${shareId}`;

/**
 * A video as the API (and the MCP tools) show it: absolute addresses that work without the key for 24 hours (to
 * play it, to download it named after its title, its poster), and its share page while it is shared.
 */
export async function videoView(video: LibraryVideo, origin: string, visitorId: string, secret: string): Promise<Video> {
  const downloadUrl = origin + (await signedLink("download", video.videoId, visitorId, secret));
  return {
    videoId: video.videoId,
    title: video.title,
    createdAt: video.createdAt,
    ...(video.durationS ? { durationS: video.durationS } : {}),
    width: video.width,
    height: video.height,
    ...(video.posterKey ? { posterUrl: origin + (await signedLink("poster", video.videoId, visitorId, secret)) } : {}),
    url: `${downloadUrl}&inline=1`,
    downloadUrl,
    ...(video.shareId ? { shareUrl: shareUrlOf(origin, video.shareId) } : {}),
  };
}
