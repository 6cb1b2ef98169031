import { useEffect, useState } from "preact/hooks";
import { readVideo, sendPoster, shareVideo, stopSharing, type Video } from "../videos/library";
import { jpegOf } from "../videos/poster";

export type { Video };

/**
 * A finished export as a video of the library: its addresses, poster and share page; sharing and stopping.
 * @example const { video, share, unshare } = useVideo("exp_…", true);
 */
export function useVideo(videoId: string, ready: boolean) {
  const [video, setVideo] = useState<Video | undefined>(undefined);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (!ready) return;
    readVideo(videoId).then(setVideo, () => setMissing(true));
  }, [videoId, ready]);
  return {
    video,
    missing,
    async share() {
      const shareUrl = await shareVideo(videoId);
      setVideo((shown) => shown && { ...shown, shareUrl });
    },
    async unshare() {
      await stopSharing(videoId);
      setVideo((shown) => shown && { ...shown, shareUrl: undefined });
    },
  };
}

/**
 * A Worker can't decode video, so the page gives a video its poster: the frame its player shows first, as a JPEG.
 * Best effort: a video without one still plays, and the library shows PromptReel's card instead.
 */
export function keepPoster(videoId: string, player: HTMLVideoElement) {
  jpegOf(player)
    .then((jpeg) => sendPoster(videoId, jpeg))
    .catch(() => {});
}
