import type { RefObject } from "preact";
import type { Choices } from "../../worker/generations/choices";
import { t } from "../i18n";
import { ChoiceControls } from "./Choices";

interface ComposerProps {
  box: RefObject<HTMLTextAreaElement | null>;
  text: string;
  choices: Choices;
  busy: boolean;
  status: string;
  disabled: boolean;
  onText(text: string): void;
  onChoices(choices: Choices): void;
  onSubmit(text: string): void;
  onStop(): void;
}

/** Pinned under the conversation: what is going on, the choices, the prompt box, and Send (Stop while a reply runs). */
export function Composer({ box, text, choices, busy, status, disabled, onText, onChoices, onSubmit, onStop }: ComposerProps) {
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
          onSubmit(text);
        }}
      >
        <ChoiceControls choices={choices} disabled={disabled} onChange={onChoices} />
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
            onInput={(event) => onText(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                onSubmit(text);
              }
            }}
          />
          {/* While a reply is written, Send (which waits for it) gives way to Stop. */}
          {busy ? (
            <button type="button" onClick={onStop}>
              {t.stop}
            </button>
          ) : (
            <button type="submit" class="primary" disabled={disabled || !text.trim()}>
              {t.send}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
