import { languageOf } from "../language";

/**
 * The choices a video may come with beyond its prompt: its shape and its length. NemoVideo takes plain language,
 * so a choice becomes words after the prompt: "a fox in the snow, 9:16 vertical, 10 seconds". Free of zod, so
 * that the page can offer the same choices and show the same words.
 */
export const ASPECT_RATIOS = ["16:9", "9:16", "1:1"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];
export const LENGTHS_S = [5, 10, 15] as const;
export type LengthS = (typeof LENGTHS_S)[number];

export interface Choices {
  aspectRatio?: AspectRatio;
  lengthS?: LengthS;
}

const WORDS = {
  en: { "16:9": "16:9 landscape", "9:16": "9:16 vertical", "1:1": "1:1 square", seconds: (s: number) => `${s} seconds`, comma: ", " },
  zh: { "16:9": "16:9 横屏", "9:16": "9:16 竖屏", "1:1": "1:1 方形", seconds: (s: number) => `${s} 秒`, comma: "，" },
};

/**
 * The prompt as NemoVideo is sent it: the person's words, then each choice in words of the prompt's language.
 * @example promptWithChoices("a fox in the snow.", { aspectRatio: "9:16", lengthS: 10 }) // "a fox in the snow, 9:16 vertical, 10 seconds"
 */
export function promptWithChoices(prompt: string, { aspectRatio, lengthS }: Choices, language?: string): string {
  const words = WORDS[languageOf(language)];
  const added = [aspectRatio && words[aspectRatio], lengthS && words.seconds(lengthS)].filter(Boolean);
  if (!added.length) return prompt;
  return [prompt.replace(/[\s.,;。，；！!]+$/u, ""), ...added].join(words.comma);
}
