import { t } from "../i18n";
import { clock, minutesLeft, useNow } from "../time";

/**
 * A video being made: NemoVideo's chat says nothing of its progress, so the bar is indeterminate and the words say
 * how long so far, and, for a generation the API has an estimate of (`until`), about how long is left.
 */
export function Making({ since, until, title = t.making }: { since: number; until?: string; title?: string }) {
  const now = useNow(true);
  const words = until ? `${t.soFar(clock(now - since))} · ${t.timeLeft(minutesLeft(until, now))}` : t.soFar(clock(now - since));
  return (
    <div class="reel making">
      <p class="reel-title">{title}</p>
      <progress aria-label={title} aria-valuetext={words} />
      <p class="muted">{words}</p>
    </div>
  );
}
