import type { RefObject } from "preact";
import { MESSAGE_MAX_CHARS } from "../../worker/chat/limits";
import { t } from "../i18n";
import { store, use } from "../state";
import { ChoiceControls } from "./Choices";
import { cancel } from "./conversation";

/** The counter shows once a message is this close to the API's limit. */
const COUNT_FROM = 0.8 * MESSAGE_MAX_CHARS;

interface ComposerProps {
  box: RefObject<HTMLTextAreaElement | null>;
  /** The length of the message as it would be sent (the words and the choices), to hold against the limit. */
  length: number;
  onSubmit(): void;
}

/**
 * Pinned under the conversation: what is going on, the choices, the prompt box, and Send (Stop while a reply
 * runs). The box knows the API's limit (`MESSAGE_MAX_CHARS`, the one its schema checks): a counter as it nears,
 * and Send refused past it, in the page's language, before any request.
 */
export function Composer({ box, length, onSubmit }: ComposerProps) {
  const text = use(() => store.text.value);
  const status = use(() => store.turn.value?.status ?? "");
  const busy = use(() => Boolean(store.turn.value));
  const disabled = use(() => !store.sessionId.value);
  const over = length > MESSAGE_MAX_CHARS;
  return (
    <div class="dock">
      <p class="status" role="status">
        {status && <span class="spinner" aria-hidden="true" />}
        {status}
      </p>
      <form
        class="composer"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        <ChoiceControls disabled={disabled} />
        <div class="composer-row">
          <label for="prompt" class="visually-hidden">
            {t.promptLabel}
          </label>
          <textarea
            ref={box}
            id="prompt"
            rows={2}
            placeholder={t.promptPlaceholder}
            value={text}
            aria-invalid={over || undefined}
            aria-describedby="prompt-limit"
            onInput={(event) => (store.text.value = event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                onSubmit();
              }
            }}
          />
          {/* While a reply is written, Send (which waits for it) gives way to Stop. */}
          {busy ? (
            <button type="button" onClick={() => void cancel()}>
              {t.stop}
            </button>
          ) : (
            <button type="submit" class="primary" disabled={disabled || !text.trim() || over}>
              {t.send}
            </button>
          )}
        </div>
        <p id="prompt-limit" class={`limit${over ? " over" : ""}`} aria-live="polite">
          {length >= COUNT_FROM && (over ? t.tooLong(length, MESSAGE_MAX_CHARS) : t.charactersLeft(MESSAGE_MAX_CHARS - length))}
        </p>
      </form>
    </div>
  );
}
