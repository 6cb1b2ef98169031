import { t } from "../i18n";
import { Share } from "../library/Share";
import { shapeOf, shareVideo, stopSharing } from "../library/videos";
import { recall } from "../saved";
import { store, use, videoOf } from "../state";
import { clock, minutesLeft, useNow } from "../time";
import { cancelExport, startExport } from "./exports";
import { Making } from "./Making";
import { makeVariations, VARIATIONS } from "./variations";

/** Where more credits come from: NemoVideo's registration, as the API's no-credits refusals say (worker/nemo/errors.ts). */
const REGISTER = "https://nemovideo.com/register";

const STATUS_WORDS = {
  pending: () => t.exporting,
  processing: () => t.exporting,
  completed: () => t.exportDone,
  failed: () => t.exportFailed,
  cancelled: () => t.exportCancelled,
};

/**
 * A video where the conversation made it: its export's progress and time left (with Cancel), then the player,
 * Download, More like this, Share; a failed or cancelled export offers Export again. What it shows comes from the
 * store, so a video deleted in My videos leaves the conversation at once.
 */
export function VideoCard({ videoId }: { videoId: string }) {
  const shown = use(() => store.exports.value[videoId]);
  const video = use(() => videoOf(videoId));
  const busy = use(() => Boolean(store.turn.value));
  const claimUrl = use(() => (store.lines.value.findLast((line) => line.videoId)?.videoId === videoId ? store.claimUrl.value : undefined));
  const status = shown?.view.status;
  const running = status === "pending" || status === "processing";
  const now = useNow(running);
  if (!shown && !video) return null;
  if (status === "completed" || !shown) return video ? <Finished video={video} busy={busy} claimUrl={claimUrl} /> : null;
  const { view } = shown;
  // The API's estimate once it has one (from this deployment's past renders and the progress); till then, the time so far.
  const eta = view.estimatedCompletionAt ? t.timeLeft(minutesLeft(view.estimatedCompletionAt, now)) : t.soFar(clock(now - view.createdAt));
  return (
    <div class="reel">
      <p class="reel-title" role="status">
        {STATUS_WORDS[view.status]()}
      </p>
      {running ? (
        <>
          <div class="progress">
            <progress max={100} value={view.progress} aria-label={t.exportProgress} aria-valuetext={`${view.progress}%, ${eta}`} />
            <span aria-hidden="true">{view.progress}%</span>
          </div>
          <p class="muted">{eta}</p>
          <button type="button" onClick={() => void cancelExport(videoId)}>
            {t.cancelExport}
          </button>
        </>
      ) : (
        <button type="button" onClick={() => void startExport()}>
          {t.exportAgain}
        </button>
      )}
    </div>
  );
}

/** A variation on its way (a generation asked with More like this), then its video like any other. */
export function VariationCard({ generationId }: { generationId: string }) {
  const view = use(() => store.generations.value[generationId]);
  if (!view || view.status === "cancelled") return null;
  if (view.status === "completed" && view.exportId) return <VideoCard videoId={view.exportId} />;
  if (view.status === "failed") return <p class="muted">{t.variationFailed}</p>;
  return (
    <Making since={view.createdAt} until={view.estimatedCompletionAt} title={view.status === "rendering" ? `${t.exporting} ${view.progress ?? 0}%` : t.making} />
  );
}

function Finished({ video, busy, claimUrl }: { video: NonNullable<ReturnType<typeof videoOf>>; busy: boolean; claimUrl?: string }) {
  const credits = use(() => store.credits.value);
  // Read again when the credits change: the cost of the last video is measured as they do.
  const cost = Number(recall("videoCost")) || undefined;
  // Never offered to a balance that can't pay for it: what it would cost, or at least a credit a video.
  const short = credits !== undefined && credits < VARIATIONS * (cost ?? 1);
  return (
    <div class="reel">
      <p class="reel-title" role="status">
        {t.exportDone}
      </p>
      <video
        class="player"
        style={shapeOf(video)}
        controls
        preload="metadata"
        src={video.url}
        poster={video.posterUrl}
        aria-label={`${t.player}: ${video.title}`}
      />
      <div class="actions">
        <a class="button primary" href={video.downloadUrl} download>
          {t.download}
        </a>
        <button type="button" disabled={busy || short} aria-describedby={`cost-${video.videoId}`} onClick={() => void makeVariations()}>
          {t.variations}
        </button>
        {claimUrl && (
          <a class="button" href={claimUrl} target="_blank" rel="noopener noreferrer">
            {t.openInNemo}
          </a>
        )}
      </div>
      <Share videoId={video.videoId} shareUrl={video.shareUrl} onShare={() => shareVideo(video.videoId)} onStop={() => stopSharing(video.videoId)} />
      {/* Under the row of actions, so that Share stays on it. */}
      <p class="muted" id={`cost-${video.videoId}`}>
        {short ? t.cantAfford(VARIATIONS, credits) : t.variationsCost(VARIATIONS, cost)}
        {short && (
          <a class="way-out" href={REGISTER} target="_blank" rel="noopener noreferrer">
            {t.register}
          </a>
        )}
      </p>
    </div>
  );
}
