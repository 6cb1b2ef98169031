import type { InferResponseType } from "hono/client";
import { useEffect, useState } from "preact/hooks";
import { api, errorOf, ok, reach } from "../api";

/** A finished video as the library keeps it (the type comes from the Worker's zod schema). */
export type Video = InferResponseType<(typeof api.videos)[":id"]["$get"], 200>;

/** Posters are small stills: this wide at most, so the JPEG stays well under the API's 256 KB. */
const POSTER_WIDTH = 640;

/** An answer with no body (204), or the API's refusal. */
async function done(call: Promise<Response | { ok: boolean }>) {
  const answer = (await reach(call)) as Response;
  if (!answer.ok) throw await errorOf(answer);
}

/**
 * A finished export as a video of the library: its addresses, poster and share page; sharing and stopping.
 * @example const { video, share, unshare } = useVideo("exp_…", true);
 */
export function useVideo(videoId: string, ready: boolean) {
  const [video, setVideo] = useState<Video | undefined>(undefined);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (!ready) return;
    ok(api.videos[":id"].$get({ param: { id: videoId } })).then(setVideo, () => setMissing(true));
  }, [videoId, ready]);
  const param = { param: { id: videoId } };
  return {
    video,
    missing,
    async share() {
      const { shareUrl } = await ok(api.videos[":id"].share.$post(param));
      setVideo((shown) => shown && { ...shown, shareUrl });
    },
    async unshare() {
      await done(api.videos[":id"].share.$delete(param));
      setVideo((shown) => shown && { ...shown, shareUrl: undefined });
    },
  };
}

/**
 * A Worker can't decode video, so the page gives a video its poster: the frame its player shows first, as a JPEG.
 * Best effort: a video without one still plays, and the library shows PromptReel's card instead.
 */
export function keepPoster(videoId: string, player: HTMLVideoElement) {
  const scale = Math.min(1, POSTER_WIDTH / (player.videoWidth || POSTER_WIDTH));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(player.videoWidth * scale);
  canvas.height = Math.round(player.videoHeight * scale);
  if (!canvas.width || !canvas.height) return;
  canvas.getContext("2d")?.drawImage(player, 0, 0, canvas.width, canvas.height);
  canvas.toBlob((jpeg) => {
    if (!jpeg) return;
    const init = { headers: { "Content-Type": "image/jpeg" }, init: { body: jpeg } };
    void done(api.videos[":id"].poster.$put({ param: { id: videoId } }, init)).catch(() => {});
  }, "image/jpeg", 0.8);
}
