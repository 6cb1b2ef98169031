import type { ComponentChild } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../i18n";
import { Making } from "../player/Making";
import type { Line } from "./conversation";

interface ChatProps {
  lines: Line[];
  /** While a video is being made in the reply: since when. */
  making?: number;
  busy: boolean;
  disabled: boolean;
  /** There is a draft to export: the export suggestion works. */
  canExport: boolean;
  video(exportId: string): ComponentChild;
  onSuggestion(text: string): void;
  onRetry(text: string): void;
}

/**
 * The conversation (a live log, so screen readers hear replies as they stream) with its videos where they were
 * made, and suggestions while it is empty. The page scrolls, not the log: one scroll, on a phone too.
 */
export function Chat({ lines, making, busy, disabled, canExport, video, onSuggestion, onRetry }: ChatProps) {
  const end = useRef<HTMLDivElement>(null);
  const last = lines.at(-1);
  // Only once there is something to follow: an empty conversation (a widget's panel just opened) stays at the top.
  useEffect(() => void (lines.length && end.current?.scrollIntoView?.({ block: "end" })), [lines.length, last?.text, making]);
  const suggestions = canExport ? [...t.suggestions, t.exportSuggestion] : t.suggestions;

  return (
    <section class="chat" aria-labelledby="chat-title">
      <h2 id="chat-title" class="visually-hidden">
        {t.conversation}
      </h2>
      {lines.length === 0 && (
        <div class="empty">
          <p>{t.emptyHint}</p>
          <h3 id="try-title">{t.trySaying}</h3>
          <ul class="suggestions" aria-labelledby="try-title">
            {suggestions.map((suggestion) => (
              <li key={suggestion}>
                <button type="button" class="suggestion" disabled={disabled} onClick={() => onSuggestion(suggestion)}>
                  {suggestion}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div role="log" aria-label={t.conversation}>
        <ol>
          {lines.map((line) =>
            line.role === "video" ? (
              <li key={line.id} class="line video">
                {video(line.exportId!)}
              </li>
            ) : (
              <li key={line.id} class={`line ${line.role}`}>
                {(line.role === "user" || line.role === "assistant") && (
                  <span class="visually-hidden">{line.role === "user" ? t.you : t.assistant}: </span>
                )}
                <span class="text">{line.text}</span>
                {line.link && (
                  <a class="way-out" href={line.link.href} target="_blank" rel="noopener noreferrer">
                    {line.link.label}
                  </a>
                )}
                {line.retry && (
                  <button type="button" class="retry" disabled={busy} onClick={() => onRetry(line.retry!)}>
                    {t.retryMessage}
                  </button>
                )}
              </li>
            ),
          )}
        </ol>
      </div>
      {making !== undefined && <Making since={making} />}
      <div ref={end} class="end" />
    </section>
  );
}
