import { t } from "../i18n";
import { clock, useNow } from "./time";

/**
 * A video being made in the reply: NemoVideo's chat says nothing of its progress, so the bar is indeterminate and
 * the words say how long so far and how long it usually takes.
 */
export function Making({ since }: { since: number }) {
  const now = useNow(true);
  const words = t.soFar(clock(now - since), t.usualMaking);
  return (
    <div class="reel making">
      <p class="reel-title">{t.making}</p>
      <progress aria-label={t.making} aria-valuetext={words} />
      <p class="muted">{words}</p>
    </div>
  );
}
