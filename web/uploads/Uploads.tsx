import type { RefObject } from "preact";
import { useState } from "preact/hooks";
import { SUPPORTED_FORMATS } from "../../worker/nemo/formats";
import { t } from "../i18n";

const ACCEPT = Object.values(SUPPORTED_FORMATS)
  .flat()
  .map((extension) => `.${extension}`)
  .join(",");

export interface UploadProgress {
  name: string;
  fraction: number;
}

interface UploadsProps {
  picker: RefObject<HTMLInputElement | null>;
  progress?: UploadProgress;
  files: { name: string; kind: string }[];
  disabled: boolean;
  onFiles(files: File[]): void;
  onUrl(url: string): void;
}

/** Media in: drag and drop, the file picker, or a link; a progress bar while it goes up. */
export function Uploads({ picker, progress, files, disabled, onFiles, onUrl }: UploadsProps) {
  const [over, setOver] = useState(false);
  const [url, setUrl] = useState("");
  return (
    <section
      class={`panel uploads${over ? " over" : ""}`}
      aria-labelledby="uploads-title"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        if (!disabled) onFiles([...(event.dataTransfer?.files ?? [])]);
      }}
    >
      <h2 id="uploads-title">{t.media}</h2>
      <div class="drop">
        <span>{t.dropHere}</span>{" "}
        <button type="button" disabled={disabled} onClick={() => picker.current?.click()}>
          {t.choose}
        </button>
        <input
          ref={picker}
          id="file-input"
          class="visually-hidden"
          type="file"
          multiple
          accept={ACCEPT}
          tabIndex={-1}
          aria-label={t.choose}
          onChange={(event) => {
            onFiles([...(event.currentTarget.files ?? [])]);
            event.currentTarget.value = "";
          }}
        />
      </div>
      {progress && (
        <div class="progress">
          <progress max={1} value={progress.fraction} aria-label={t.uploading(progress.name)} />
          <span aria-hidden="true">{Math.round(progress.fraction * 100)}%</span>
        </div>
      )}
      <form
        class="url-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (url.trim()) onUrl(url.trim());
          setUrl("");
        }}
      >
        <label for="media-url">{t.urlLabel}</label>
        <div class="row">
          <input
            id="media-url"
            type="url"
            placeholder={t.urlPlaceholder}
            value={url}
            onInput={(event) => setUrl(event.currentTarget.value)}
          />
          <button type="submit" disabled={disabled || !url.trim()}>
            {t.add}
          </button>
        </div>
      </form>
      {files.length > 0 && (
        <ul class="files">
          {files.map((file, index) => (
            <li key={index}>
              <span class="kind">{t.mediaKinds[file.kind] ?? file.kind}</span> {file.name.split("/").pop()}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
