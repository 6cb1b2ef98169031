import { useState } from "preact/hooks";
import { t } from "../i18n";
import { troubleFrom } from "../words";
import { deleteVideo, type Video } from "./videos";
import { Modal } from "./Modal";

interface ConfirmProps {
  video: Video;
  onDeleted(): void;
  onClose(): void;
}

/** "Delete this video?": Cancel has the focus first; Delete deletes it for good, or says why it couldn't. */
export function ConfirmDelete({ video, onDeleted, onClose }: ConfirmProps) {
  const [busy, setBusy] = useState(false);
  const [trouble, setTrouble] = useState<string | undefined>(undefined);
  const confirm = async () => {
    setBusy(true);
    setTrouble(undefined);
    try {
      await deleteVideo(video.videoId);
      onDeleted();
    } catch (error) {
      setTrouble(troubleFrom(error).text);
      setBusy(false);
    }
  };
  return (
    <Modal labelledBy="delete-title" class="confirm-dialog" onClose={onClose}>
      <h2 id="delete-title">{t.deleteQuestion(video.title)}</h2>
      <p>{t.deleteExplain}</p>
      {trouble && (
        <p class="trouble" role="alert">
          {trouble}
        </p>
      )}
      <div class="actions">
        <button type="button" autofocus onClick={onClose}>
          {t.cancel}
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => void confirm()}>
          {t.delete}
        </button>
      </div>
    </Modal>
  );
}
