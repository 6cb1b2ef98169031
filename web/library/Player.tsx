import { t } from "../i18n";
import { shapeOf, type Video } from "./videos";
import { Modal } from "./Modal";

/** One video, large, playing at once (the person just pressed Play), with its download beside Close. */
export function Player({ video, onClose }: { video: Video; onClose(): void }) {
  return (
    <Modal labelledBy="player-title" class="player-dialog" onClose={onClose}>
      <div class="dialog-head">
        <h2 id="player-title">{video.title}</h2>
        <button type="button" onClick={onClose}>
          {t.close}
        </button>
      </div>
      <video class="big-player" style={shapeOf(video)} controls autoPlay playsInline preload="auto" src={video.url} poster={video.posterUrl} />
      <div class="actions">
        <a class="button" href={video.downloadUrl} download>
          {t.download}
        </a>
      </div>
    </Modal>
  );
}
