import { t } from "../i18n";
import { store, use } from "../state";
import { clock } from "../time";
import type { Video } from "./videos";
import { Share } from "./Share";
import "./sample.css";

interface CardProps {
  video: Video;
  onPlay(): void;
  onShare(): Promise<void>;
  onStopSharing(): Promise<void>;
  onDelete(): void;
  /** Opens the conversation that made it, when the page knows which. */
  onOpen?(): void;
}

/** One video in the list: its poster, title, length and date, and what can be done with it. */
export function VideoCard({ video, onPlay, onShare, onStopSharing, onDelete, onOpen }: CardProps) {
  const id = video.videoId;
  const sample = use(() => store.sampleClips.value);
  const created = new Date(video.createdAt);
  return (
    <li class="video-card">
      <article aria-labelledby={`title-${id}`}>
        {/* The Play button is the way in by keyboard; the picture is a larger target for a pointer. */}
        <div class="poster" onClick={onPlay}>
          {video.posterUrl ? <img src={video.posterUrl} alt="" width={video.width} height={video.height} /> : <span class="no-poster" />}
          {sample && <span class="sample">{t.sampleClip}</span>}
          {video.durationS !== undefined && (
            <span class="length" aria-hidden="true">
              {clock(video.durationS * 1000)}
            </span>
          )}
        </div>
        <h3 id={`title-${id}`}>{video.title}</h3>
        <p class="meta">
          {video.durationS !== undefined && (
            <>
              <span class="visually-hidden">{t.videoLength}</span>
              <time dateTime={`PT${Math.round(video.durationS)}S`}>{clock(video.durationS * 1000)}</time>
              {" · "}
            </>
          )}
          <time dateTime={created.toISOString()}>{t.videoDate(created)}</time>
        </p>
        <div class="actions">
          <button type="button" class="primary" aria-describedby={`title-${id}`} onClick={onPlay}>
            {t.play}
          </button>
          <a class="button" href={video.downloadUrl} download aria-describedby={`title-${id}`}>
            {t.downloadVideo}
          </a>
          {onOpen && (
            <button type="button" aria-describedby={`title-${id}`} onClick={onOpen}>
              {t.openConversation}
            </button>
          )}
          <button type="button" class="quiet" aria-describedby={`title-${id}`} onClick={onDelete}>
            {t.delete}
          </button>
        </div>
        <Share videoId={id} shareUrl={video.shareUrl} describedBy={`title-${id}`} onShare={onShare} onStop={onStopSharing} />
      </article>
    </li>
  );
}
