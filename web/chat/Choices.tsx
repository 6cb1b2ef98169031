import { ASPECT_RATIOS, type Choices, CHOICE_WORDS, LENGTHS_S, STYLES } from "../../worker/generations/choices";
import { language, t } from "../i18n";
import { store, use } from "../state";

/** The video's shape, length and style, beside the prompt box; they go as words after the prompt. */
export function ChoiceControls({ disabled }: { disabled: boolean }) {
  const choices = use(() => store.choices.value);
  const words = CHOICE_WORDS[language];
  const pick = <K extends keyof Choices>(name: K, options: readonly NonNullable<Choices[K]>[], label: string, any: string, show: (option: NonNullable<Choices[K]>) => string) => (
    <label class="choice">
      <span class="visually-hidden">{label}</span>
      <select
        disabled={disabled}
        value={String(choices[name] ?? "")}
        onChange={(event) => {
          const value = event.currentTarget.value;
          const chosen = options.find((option) => String(option) === value);
          store.choices.value = { ...choices, [name]: chosen };
        }}
      >
        <option value="">{any}</option>
        {options.map((option) => (
          <option key={option} value={String(option)}>
            {show(option)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <fieldset class="choices">
      <legend class="visually-hidden">{t.choices}</legend>
      {pick("aspectRatio", ASPECT_RATIOS, t.shape, t.anyShape, (ratio) => words[ratio])}
      {pick("lengthS", LENGTHS_S, t.length, t.anyLength, (seconds) => words.seconds(seconds))}
      {pick("style", STYLES, t.style, t.anyStyle, (style) => words.styles[style])}
    </fieldset>
  );
}
