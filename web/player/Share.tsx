import { useState } from "preact/hooks";
import { t } from "../i18n";

interface ShareProps {
  videoId: string;
  shareUrl?: string;
  onShare(): Promise<void>;
  onStop(): Promise<void>;
}

/** Share: a public page that plays the video; its address to copy, and the way to take it down. */
export function Share({ videoId, shareUrl, onShare, onStop }: ShareProps) {
  const [copied, setCopied] = useState(false);
  const [failed, setFailed] = useState(false);
  const field = `share-${videoId}`;
  const act = (step: () => Promise<void>) => () => {
    setFailed(false);
    setCopied(false);
    step().catch(() => setFailed(true));
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(shareUrl!);
      setCopied(true);
    } catch {
      // No clipboard here (permission, an old browser): the link is selected, for the person to copy.
      (document.getElementById(field) as HTMLInputElement | null)?.select();
    }
  };
  return (
    <div class="share">
      {shareUrl ? (
        <>
          <label for={field}>{t.shareLink}</label>
          <div class="row">
            <input id={field} readOnly value={shareUrl} onFocus={(event) => event.currentTarget.select()} />
            <button type="button" onClick={() => void copy()}>
              {t.copy}
            </button>
            <button type="button" onClick={act(onStop)}>
              {t.stopSharing}
            </button>
          </div>
        </>
      ) : (
        <button type="button" onClick={act(onShare)}>
          {t.share}
        </button>
      )}
      <p class="muted" role="status">
        {failed ? t.shareFailed : copied ? t.copied : ""}
      </p>
    </div>
  );
}
