import { t } from "../i18n";
import type { ExportView } from "./export";

interface ExportProps {
  view?: ExportView;
  claimUrl?: string;
  /** Finished exports from before, newest first: a returning visitor can still download them. */
  earlier: ExportView[];
  ready: boolean;
  onExport(): void;
}

const STATUS_WORDS: Record<ExportView["status"], () => string> = {
  pending: () => t.exporting,
  processing: () => t.exporting,
  completed: () => t.exportDone,
  failed: () => t.exportFailed,
  cancelled: () => t.exportCancelled,
};

/** Export with live progress; when it is done, the player, Download, and "Open in NemoVideo". */
export function ExportPanel({ view, claimUrl, earlier, ready, onExport }: ExportProps) {
  const running = view?.status === "pending" || view?.status === "processing";
  const done = view?.status === "completed" && view.downloadUrl;
  return (
    <section class="panel export" aria-labelledby="export-title">
      <h2 id="export-title">{t.exportTitle}</h2>
      {running && (
        <div class="progress">
          <progress max={100} value={view.progress} aria-label={t.exportProgress} />
          <span aria-hidden="true">{view.progress}%</span>
        </div>
      )}
      <p class="muted" role="status">
        {view && STATUS_WORDS[view.status]()}
      </p>
      {done && (
        <>
          <video class="player" controls preload="metadata" src={view.downloadUrl} aria-label={t.player} />
          <div class="actions">
            <a class="button primary" href={view.downloadUrl} download={`promptreel-${view.exportId}.mp4`}>
              {t.download}
            </a>
            {claimUrl && (
              <a class="button" href={claimUrl} target="_blank" rel="noopener noreferrer">
                {t.openInNemo}
              </a>
            )}
          </div>
        </>
      )}
      {/* Kept while an export runs, so the focus stays: a second press joins the export already running. */}
      <button type="button" class={done || running ? "wide" : "primary wide"} disabled={!ready} onClick={onExport}>
        {t.export}
      </button>
      {earlier.length > 0 && (
        <>
          <h3 id="earlier-title">{t.earlierExports}</h3>
          <ul class="earlier" aria-labelledby="earlier-title">
            {earlier.map((each) => (
              <li key={each.exportId}>
                <a href={each.downloadUrl} download={`promptreel-${each.exportId}.mp4`}>
                  {t.exportOf(new Date(each.completedAt ?? each.createdAt))}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
