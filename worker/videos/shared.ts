import type { Bindings } from "../config";
import { playsSampleClips } from "../config";
import { visitorObject } from "../caller";
import { ownerOfShare } from "./cache";
import type { LibraryVideo } from "./library";
import { ShareParams } from "./schema";
import type { SharedVideo } from "./share-page";
import { shareUrlOf } from "./view";

/** The video behind a share page while it is shared, or undefined (never shared, taken down, deleted). */
export async function sharedVideo(env: Bindings, shareId: string): Promise<LibraryVideo | undefined> {
  if (!ShareParams.shape.shareId.safeParse(shareId).success) return undefined;
  const visitorId = await ownerOfShare(env, shareId);
  if (!visitorId) return undefined;
  // The visitor's Object decides: KV only says where to ask.
  const outcome = await visitorObject(env, visitorId).sharedVideoRead(shareId);
  return outcome.ok ? outcome.value : undefined;
}

/** A shared video's public addresses, from the `origin` it was asked at. */
export function publicAddresses(env: Bindings, origin: string, shareId: string, video: LibraryVideo): SharedVideo {
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
    sampleClip: playsSampleClips(env),
  };
}
