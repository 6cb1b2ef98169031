import { t } from "../i18n";
import { span, type Track, timelineHeading, trackLine, volumeOf } from "./summary";

interface TimelineProps {
  tracks: Track[];
  durationMs: number;
  /** There is a draft to export. */
  ready: boolean;
  onExport(): void;
}

/** The session's tracks: what each is, when it plays, how loud; and the export of them as an MP4. */
export function Timeline({ tracks, durationMs, ready, onExport }: TimelineProps) {
  const length = Math.max(durationMs, ...tracks.map((track) => track.endMs), 1);
  return (
    <section class="panel timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t.timeline}</h2>
      <p class="muted">{timelineHeading(t, tracks, durationMs)}</p>
      {tracks.length > 0 && (
        <ol class="tracks">
          {tracks.map((track, index) => (
            <li key={index} class={`track ${track.kind}`}>
              <span class="visually-hidden">{trackLine(t, track)}</span>
              <span class="track-name" aria-hidden="true">
                <b>{t.kinds[track.kind]}</b> {track.label}
              </span>
              <span class="track-meta" aria-hidden="true">
                {[span(track), volumeOf(track)].filter(Boolean).join(" · ")}
              </span>
              <span class="bar" aria-hidden="true">
                <span
                  style={{
                    left: `${(track.startMs / length) * 100}%`,
                    width: `${Math.max(((track.endMs - track.startMs) / length) * 100, 2)}%`,
                  }}
                />
              </span>
            </li>
          ))}
        </ol>
      )}
      {/* Kept while an export runs, so the focus stays: a second press joins the export already running. */}
      <button type="button" class="wide" disabled={!ready} onClick={onExport}>
        {t.export}
      </button>
    </section>
  );
}
