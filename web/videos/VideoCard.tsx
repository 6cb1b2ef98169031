import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { clock, type Video } from "./library";

interface CardProps {
  video: Video;
  onPlay(): void;
  onShare(): Promise<void>;
  onStopSharing(): Promise<void>;
  onDelete(): void;
  /** Tells the person something (a copied link), in the page's status line. */
  onSay(words: string): void;
}

/** One video in the list: its poster, title, length and date, and what can be done with it. */
export function VideoCard({ video, onPlay, onShare, onStopSharing, onDelete, onSay }: CardProps) {
  const id = video.videoId;
  const [busy, setBusy] = useState(false);
  const asked = useRef<"share" | "stop" | undefined>(undefined);
  const link = useRef<HTMLInputElement>(null);
  const shareButton = useRef<HTMLButtonElement>(null);
  // After Share the focus goes to the link, after Stop sharing back to Share: the button pressed is gone.
  useEffect(() => {
    if (asked.current === "share" && video.shareUrl) link.current?.focus();
    if (asked.current === "stop" && !video.shareUrl) shareButton.current?.focus();
    asked.current = undefined;
  }, [video.shareUrl]);
  const ask = (what: "share" | "stop", call: () => Promise<void>) => {
    asked.current = what;
    setBusy(true);
    void call().finally(() => setBusy(false));
  };

  const copy = () =>
    navigator.clipboard.writeText(video.shareUrl!).then(
      () => onSay(t.copied),
      () => {
        link.current?.select();
        onSay(t.copyFailed);
      },
    );
  const created = new Date(video.createdAt);

  return (
    <li class="video-card">
      <article aria-labelledby={`title-${id}`}>
        {/* The Play button is the way in by keyboard; the picture is a larger target for a pointer. */}
        <div class="poster" onClick={onPlay}>
          {video.posterUrl ? <img src={video.posterUrl} alt="" width={640} height={360} /> : <span class="no-poster" />}
          {video.durationS !== undefined && (
            <span class="length" aria-hidden="true">
              {clock(video.durationS)}
            </span>
          )}
        </div>
        <h3 id={`title-${id}`}>{video.title}</h3>
        <p class="meta">
          {video.durationS !== undefined && (
            <>
              <span class="visually-hidden">{t.videoLength}</span>
              <time dateTime={`PT${Math.round(video.durationS)}S`}>{clock(video.durationS)}</time>
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
          {!video.shareUrl && (
            <button
              ref={shareButton}
              type="button"
              aria-describedby={`title-${id}`}
              disabled={busy}
              onClick={() => ask("share", onShare)}
            >
              {t.share}
            </button>
          )}
          <button type="button" class="quiet" aria-describedby={`title-${id}`} onClick={onDelete}>
            {t.delete}
          </button>
        </div>
        {video.shareUrl && (
          <div class="share">
            <label for={`share-${id}`}>{t.shareLink}</label>
            <div class="row">
              <input ref={link} id={`share-${id}`} readOnly value={video.shareUrl} onFocus={(event) => event.currentTarget.select()} />
              <button type="button" onClick={() => void copy()}>
                {t.copy}
              </button>
            </div>
            <p class="hint">
              {t.shared}{" "}
              <button
                type="button"
                class="link"
                disabled={busy}
                onClick={() => ask("stop", onStopSharing)}
              >
                {t.stopSharing}
              </button>
            </p>
          </div>
        )}
      </article>
    </li>
  );
}
