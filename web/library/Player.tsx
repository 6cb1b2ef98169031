import { useEffect, useRef } from "preact/hooks";
import { t } from "../i18n";
import type { Video } from "./videos";
import { Modal } from "./Modal";

/** One video, large, playing at once (the person just pressed Play), with its download beside Close. */
export function Player({ video, onClose }: { video: Video; onClose(): void }) {
  const player = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    player.current?.play().catch(() => {});
  }, [video.videoId]);
  return (
    <Modal labelledBy="player-title" class="player-dialog" onClose={onClose}>
      <div class="dialog-head">
        <h2 id="player-title">{video.title}</h2>
        <button type="button" onClick={onClose}>
          {t.close}
        </button>
      </div>
      <video ref={player} class="big-player" controls playsInline preload="auto" src={video.url} poster={video.posterUrl} />
      <div class="actions">
        <a class="button" href={video.downloadUrl} download>
          {t.download}
        </a>
      </div>
    </Modal>
  );
}
