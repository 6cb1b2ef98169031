import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";

interface ShareProps {
  videoId: string;
  shareUrl?: string;
  /** Names the video for screen readers (the id of its title), where several are on the page. */
  describedBy?: string;
  onShare(): Promise<void>;
  onStop(): Promise<void>;
}

/**
 * Share, wherever a video is shown (the conversation, My videos): a public page that plays it, its absolute
 * address to copy, and the way to take it down. The focus follows: to the link once shared, back to Share after.
 */
export function Share({ videoId, shareUrl, describedBy, onShare, onStop }: ShareProps) {
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState("");
  const asked = useRef<"share" | "stop" | undefined>(undefined);
  const link = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asked.current === "share" && shareUrl) link.current?.focus();
    if (asked.current === "stop" && !shareUrl) button.current?.focus();
    asked.current = undefined;
  }, [shareUrl]);
  const ask = (what: "share" | "stop", step: () => Promise<void>) => () => {
    asked.current = what;
    setSaid("");
    setBusy(true);
    step()
      .catch(() => setSaid(t.shareFailed))
      .finally(() => setBusy(false));
  };
  const copy = () =>
    navigator.clipboard.writeText(shareUrl!).then(
      () => setSaid(t.copied),
      () => {
        // No clipboard here (permission, an old browser): the link is selected, for the person to copy.
        link.current?.select();
        setSaid(t.copyFailed);
      },
    );
  const field = `share-${videoId}`;
  return (
    <div class="share">
      {shareUrl ? (
        <>
          <label for={field}>{t.shareLink}</label>
          <div class="row">
            <input ref={link} id={field} readOnly value={shareUrl} onFocus={(event) => event.currentTarget.select()} />
            <button type="button" onClick={() => void copy()}>
              {t.copy}
            </button>
          </div>
          <p class="hint">
            {t.shared}{" "}
            <button type="button" class="link" disabled={busy} onClick={ask("stop", onStop)}>
              {t.stopSharing}
            </button>
          </p>
        </>
      ) : (
        <button ref={button} type="button" aria-describedby={describedBy} disabled={busy} onClick={ask("share", onShare)}>
          {t.share}
        </button>
      )}
      <p class="muted" role="status">
        {said}
      </p>
    </div>
  );
}
