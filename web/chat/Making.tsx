import { t } from "../i18n";
import { clock, usualMinutes, useNow } from "../time";

/**
 * A video being made: NemoVideo's chat says nothing of its progress, so the bar is indeterminate and the words say
 * how long so far, and how long it took this visitor before (only once that has been measured).
 */
export function Making({ since, title = t.making }: { since: number; title?: string }) {
  const now = useNow(true);
  const usual = usualMinutes("making");
  const words = t.soFar(clock(now - since), usual);
  return (
    <div class="reel making">
      <p class="reel-title">{title}</p>
      <progress aria-label={title} aria-valuetext={words} />
      <p class="muted">{words}</p>
    </div>
  );
}
