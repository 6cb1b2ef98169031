import { languageOf } from "../language";

/**
 * The choices a video may come with beyond its prompt: its shape, its length and its style. NemoVideo takes plain
 * language, so a choice becomes words after the prompt: "a fox in the snow, 9:16 vertical, 10 seconds, in a
 * watercolour style". Free of zod, so that the page can offer the same choices and show the same words.
 */
export const ASPECT_RATIOS = ["16:9", "9:16", "1:1"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];
export const LENGTHS_S = [5, 10, 15] as const;
export type LengthS = (typeof LENGTHS_S)[number];
export const STYLES = ["cinematic", "animated", "watercolour", "documentary"] as const;
export type Style = (typeof STYLES)[number];

export interface Choices {
  aspectRatio?: AspectRatio;
  lengthS?: LengthS;
  style?: Style;
}

/** The words of each choice, and each style's name on a control, in the product's two languages. */
export const CHOICE_WORDS = {
  en: {
    "16:9": "16:9 landscape",
    "9:16": "9:16 vertical",
    "1:1": "1:1 square",
    seconds: (s: number) => `${s} seconds`,
    styles: { cinematic: "cinematic", animated: "animated", watercolour: "watercolour", documentary: "documentary" } as Record<Style, string>,
    style: (name: string) => `in a ${name} style`,
    comma: ", ",
  },
  zh: {
    "16:9": "16:9 横屏",
    "9:16": "9:16 竖屏",
    "1:1": "1:1 方形",
    seconds: (s: number) => `${s} 秒`,
    styles: { cinematic: "电影感", animated: "动画", watercolour: "水彩", documentary: "纪录片" } as Record<Style, string>,
    style: (name: string) => `${name}风格`,
    comma: "，",
  },
};

/**
 * The prompt as NemoVideo is sent it: the person's words, then each choice in words of the prompt's language.
 * @example promptWithChoices("a fox in the snow.", { aspectRatio: "9:16", lengthS: 10 }) // "a fox in the snow, 9:16 vertical, 10 seconds"
 */
export function promptWithChoices(prompt: string, { aspectRatio, lengthS, style }: Choices, language?: string): string {
  const words = CHOICE_WORDS[languageOf(language)];
  const added = [aspectRatio && words[aspectRatio], lengthS && words.seconds(lengthS), style && words.style(words.styles[style])].filter(Boolean);
  if (!added.length) return prompt;
  return [prompt.replace(/[\s.,;。，；！!]+$/u, ""), ...added].join(words.comma);
}

