import { api, ok } from "../api";
import { t } from "../i18n";
import { store, use } from "../state";

/**
 * Whether this server's NemoVideo is the emulator: asked once, as the page loads, so that the answer is in before
 * the setup screen gives way to the conversation and the banner comes with it instead of pushing it down later.
 * Kept in the store: every screen that shows a video says "sample clip" by it.
 */
ok(api.service.$get()).then(({ sampleClips }) => (store.sampleClips.value = sampleClips), () => {});

/** On the built-in emulator (`npm start`) the videos are sample clips: a slim banner says so, and what a visitor can do. */
export function SampleClips() {
  const sample = use(() => store.sampleClips.value);
  if (!sample) return null;
  return (
    <p class="banner">
      <strong>{t.sampleClipsTitle}</strong> {t.sampleClips}
    </p>
  );
}
