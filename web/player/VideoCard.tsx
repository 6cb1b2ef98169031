import type { Shown } from "../exports/export";
import { t } from "../i18n";
import { Share } from "../videos/Share";
import { clock, timeLeft, useNow } from "./time";
import { keepPoster, useVideo } from "./video";

const STATUS_WORDS: Record<Shown["view"]["status"], () => string> = {
  pending: () => t.exporting,
  processing: () => t.exporting,
  completed: () => t.exportDone,
  failed: () => t.exportFailed,
  cancelled: () => t.exportCancelled,
};

interface VideoCardProps {
  exportId: string;
  shown?: Shown;
  claimUrl?: string;
  /** A reply is being written: Variations waits for it. */
  busy: boolean;
  onCancel(): void;
  onExport(): void;
  onVariations(): void;
}

/**
 * A video where the conversation made it: its export's progress and time left (with Cancel), then the player,
 * Download, Share and "Two more like this"; a failed or cancelled export offers Export again.
 */
export function VideoCard({ exportId, shown, claimUrl, busy, onCancel, onExport, onVariations }: VideoCardProps) {
  const status = shown?.view.status;
  const running = status === "pending" || status === "processing";
  const now = useNow(running);
  const { video, missing, share, unshare } = useVideo(exportId, status === "completed");
  if (!shown) return null;
  const { view, first, latest } = shown;
  const left = timeLeft(first, latest);
  // Before the progress has moved there is no speed to go by: the time so far, and what is usual.
  const eta = left === undefined ? t.soFar(clock(now - Math.min(view.createdAt, first.at)), t.usualExport) : t.timeLeft(clock(left - (now - latest.at)));
  const url = video?.url ?? (missing ? view.downloadUrl : undefined);
  const downloadUrl = video?.downloadUrl ?? view.downloadUrl;
  return (
    <div class="reel">
      <p class="reel-title" role="status">
        {STATUS_WORDS[view.status]()}
      </p>
      {running && (
        <>
          <div class="progress">
            <progress max={100} value={view.progress} aria-label={t.exportProgress} aria-valuetext={`${view.progress}%, ${eta}`} />
            <span aria-hidden="true">{view.progress}%</span>
          </div>
          <p class="muted">{eta}</p>
          <button type="button" onClick={onCancel}>
            {t.cancelExport}
          </button>
        </>
      )}
      {status === "completed" && url && downloadUrl && (
        <>
          <video
            class="player"
            controls
            preload="metadata"
            src={url}
            poster={video?.posterUrl}
            aria-label={t.player}
            onLoadedData={(event) => video && !video.posterUrl && keepPoster(exportId, event.currentTarget)}
          />
          <div class="actions">
            <a class="button primary" href={downloadUrl} download>
              {t.download}
            </a>
            <button type="button" disabled={busy} onClick={onVariations}>
              {t.variations}
            </button>
            {claimUrl && (
              <a class="button" href={claimUrl} target="_blank" rel="noopener noreferrer">
                {t.openInNemo}
              </a>
            )}
          </div>
          {video && <Share videoId={exportId} shareUrl={video.shareUrl} onShare={share} onStop={unshare} />}
        </>
      )}
      {(status === "failed" || status === "cancelled") && (
        <button type="button" onClick={onExport}>
          {t.exportAgain}
        </button>
      )}
    </div>
  );
}
