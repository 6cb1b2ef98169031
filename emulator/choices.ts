import type { Shape } from "./clips";

/**
 * The shape and length a message asks for, in plain words, English or Chinese: how a person says it ("make it
 * square", "a 5-second clip", "竖屏") and how PromptReel phrases its choices after a prompt ("a fox, 9:16 vertical,
 * 10 seconds, in a watercolour style"; "雪地里的狐狸，16:9 横屏，15 秒"). Words that are often a subject rather than a
 * frame ("a desert landscape", "a portrait of…", "a town square", "on the phone") count only beside a frame word
 * ("in portrait", "make it square", "square format") or as a clause of their own (", square").
 */
const SHAPE_WORDS: [Shape, RegExp][] = [
  [
    "16:9",
    /(?<!\d)16\s*[:：x×/]\s*9(?!\d)|\b(?:widescreen|wide-screen|horizontal)\b|横屏|横版|宽屏|(?:\b(?:in|as|to|it|make it)\s+(?:a\s+)?|(?:^|[,，]\s*))landscape\b|\blandscape\s+(?:mode|orientation|format|video|clip|shape|frame|version)\b/giu,
  ],
  [
    "9:16",
    /(?<!\d)9\s*[:：x×/]\s*16(?!\d)|\bvertical\b|竖屏|竖版|(?:\b(?:in|as|to|it|make it)\s+(?:a\s+)?|(?:^|[,，]\s*))portrait\b|\bportrait\s+(?:mode|orientation|format|video|clip|shape|frame|version)\b|\bfor\s+(?:a\s+|my\s+|the\s+)?phones?\b|\bphone[-\s](?:screen|format|shaped|sized)\b/giu,
  ],
  [
    "1:1",
    /(?<!\d)1\s*[:：x×/]\s*1(?!\d)|正方形|方形|(?:\b(?:in|as|to|it|make it)\s+(?:a\s+)?|(?:^|[,，]\s*))square\b|\bsquare\s+(?:mode|format|video|clip|shape|frame|version|crop)\b/giu,
  ],
];

/** The shape the message names, the last one when it names several (choices come after the prompt); else undefined. */
export function shapeAsked(message: string): Shape | undefined {
  let found: { shape: Shape; at: number } | undefined;
  for (const [shape, pattern] of SHAPE_WORDS) {
    for (const match of message.matchAll(pattern)) {
      if (!found || match.index >= found.at) found = { shape, at: match.index };
    }
  }
  return found?.shape;
}

/** Up to three digits, so that "the 1990s" is a decade and not a length. */
const LENGTH = /(?<![\d.])(\d{1,3}(?:\.\d+)?)\s*-?\s*(?:seconds?|secs?|s\b|秒)/giu;

/** The length the message names in seconds ("10 seconds", "a 5-second clip", "15s", "10秒"), the last one; else undefined. */
export function lengthAsked(message: string): number | undefined {
  const last = [...message.matchAll(LENGTH)].at(-1);
  return last ? Number(last[1]) : undefined;
}

/** A clause that is only a choice: a shape, a length or a style, as PromptReel adds them after a prompt. */
const CHOICE_CLAUSE =
  /^(?:(?:16|9|1)\s*[:：]\s*(?:9|16|1)\s*\S*|landscape|widescreen|vertical|portrait|square|横屏|竖屏|方形|\d+(?:\.\d+)?\s*-?\s*(?:seconds?|secs?|s|秒)|in an? [\p{L} -]+ style|\S+风格)$/iu;

/** The prompt without the choices after it: "a fox in the snow, 9:16 vertical, 10 seconds" → "a fox in the snow". */
export function withoutChoices(prompt: string): string {
  let rest = prompt.trim();
  for (let clause = /[,，]\s*([^,，]*)$/u.exec(rest); clause; clause = /[,，]\s*([^,，]*)$/u.exec(rest)) {
    if (!CHOICE_CLAUSE.test(clause[1].replace(/[.!?。！？]+$/u, "").trim())) break;
    rest = rest.slice(0, clause.index).trimEnd();
  }
  return rest;
}
