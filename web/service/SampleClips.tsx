import { useEffect, useState } from "preact/hooks";
import { api, ok } from "../api";
import { t } from "../i18n";

/**
 * Whether this server's NemoVideo is the emulator: asked once, as the page loads, so that the answer is in before
 * the setup screen gives way to the conversation and the banner comes with it instead of pushing it down later.
 */
let known = false;
const sampleClips: Promise<boolean> = ok(api.service.$get()).then(
  ({ sampleClips }) => (known = sampleClips),
  () => false,
);

/** On the built-in emulator (`npm start`) the videos are sample clips: a slim banner says so, and what a visitor can do. */
export function SampleClips() {
  const [sample, setSample] = useState(known);
  useEffect(() => void sampleClips.then(setSample), []);
  if (!sample) return null;
  return (
    <p class="banner">
      <strong>{t.sampleClipsTitle}</strong> {t.sampleClips}
    </p>
  );
}
