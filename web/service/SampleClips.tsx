import { useEffect, useState } from "preact/hooks";
import { api, ok } from "../api";
import { t } from "../i18n";

/** On the built-in emulator (`npm start`) the videos are sample clips: a slim banner says so, and how to get real ones. */
export function SampleClips() {
  const [sample, setSample] = useState(false);
  useEffect(() => {
    ok(api.service.$get())
      .then(({ sampleClips }) => setSample(sampleClips))
      .catch(() => {});
  }, []);
  if (!sample) return null;
  return (
    <p class="banner">
      <strong>{t.sampleClipsTitle}</strong> {t.sampleClips}
    </p>
  );
}
