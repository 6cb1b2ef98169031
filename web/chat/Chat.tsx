import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import type { Line } from "./conversation";

interface ChatProps {
  lines: Line[];
  busy: boolean;
  status: string;
  disabled: boolean;
  onSubmit(text: string): void;
}

/** The conversation (a live log, so screen readers hear replies as they stream), suggestions, and the prompt box. */
export function Chat({ lines, busy, status, disabled, onSubmit }: ChatProps) {
  const [text, setText] = useState("");
  const end = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const last = lines.at(-1);
  useEffect(() => end.current?.scrollIntoView?.({ block: "end" }), [lines.length, last?.text]);

  const submit = (value: string) => {
    const message = value.trim();
    // While a reply is written the message stays in the box, as the disabled Send button says.
    if (!message || disabled || busy) return;
    onSubmit(message);
    setText("");
  };

  return (
    <section class="chat" aria-labelledby="chat-title">
      <h2 id="chat-title" class="visually-hidden">
        {t.conversation}
      </h2>
      <div class="lines">
        {lines.length === 0 && (
          <div class="empty">
            <p>{t.emptyHint}</p>
            <h3 id="try-title">{t.trySaying}</h3>
            <ul class="suggestions" aria-labelledby="try-title">
              {t.suggestions.map((suggestion) => (
                <li key={suggestion}>
                  <button
                    type="button"
                    class="suggestion"
                    disabled={disabled}
                    onClick={() => {
                      // The suggestions go once the conversation starts: the box takes the focus they had.
                      box.current?.focus();
                      submit(suggestion);
                    }}
                  >
                    {suggestion}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        <div role="log" aria-label={t.conversation}>
          <ol>
            {lines.map((line) => (
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
              </li>
            ))}
          </ol>
        </div>
        <div ref={end} />
      </div>
      <p class="status" role="status">
        {status && <span class="spinner" aria-hidden="true" />}
        {status}
      </p>
      <form
        class="composer"
        onSubmit={(event) => {
          event.preventDefault();
          submit(text);
        }}
      >
        <label for="prompt" class="visually-hidden">
          {t.promptLabel}
        </label>
        <textarea
          ref={box}
          id="prompt"
          rows={2}
          placeholder={t.promptPlaceholder}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              submit(text);
            }
          }}
        />
        <button type="submit" class="primary" disabled={disabled || busy || !text.trim()}>
          {t.send}
        </button>
      </form>
    </section>
  );
}
