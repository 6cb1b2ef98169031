import landscape10 from "./clips/landscape-10s.mp4.bin";
import landscape15 from "./clips/landscape-15s.mp4.bin";
import landscape5 from "./clips/landscape-5s.mp4.bin";
import square10 from "./clips/square-10s.mp4.bin";
import square15 from "./clips/square-15s.mp4.bin";
import square5 from "./clips/square-5s.mp4.bin";
import vertical10 from "./clips/vertical-10s.mp4.bin";
import vertical15 from "./clips/vertical-15s.mp4.bin";
import vertical5 from "./clips/vertical-5s.mp4.bin";

/** The shapes and lengths the sample clips come in (the ones PromptReel offers). */
export const SHAPES = {
  "16:9": { width: 1280, height: 720, en: "16:9 landscape", zh: "16:9横屏" },
  "9:16": { width: 720, height: 1280, en: "9:16 vertical", zh: "9:16竖屏" },
  "1:1": { width: 720, height: 720, en: "1:1 square", zh: "1:1方形" },
} as const;
export type Shape = keyof typeof SHAPES;
export const LENGTHS_S = [5, 10, 15] as const;
export type LengthS = (typeof LENGTHS_S)[number];

/** A real H.264 MP4 made by clips/make-clips.sh, captioned "SAMPLE CLIP · emulator". */
export interface Clip {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  shape: Shape;
  width: number;
  height: number;
  durationS: LengthS;
}

const clip = (name: string, data: ArrayBuffer | Uint8Array, shape: Shape, durationS: LengthS): Clip => ({
  name,
  bytes: new Uint8Array(data) as Uint8Array<ArrayBuffer>,
  shape,
  width: SHAPES[shape].width,
  height: SHAPES[shape].height,
  durationS,
});

/** Every shape at every length: nine clips. */
export const clips: Clip[] = [
  clip("landscape-5s", landscape5, "16:9", 5),
  clip("landscape-10s", landscape10, "16:9", 10),
  clip("landscape-15s", landscape15, "16:9", 15),
  clip("vertical-5s", vertical5, "9:16", 5),
  clip("vertical-10s", vertical10, "9:16", 10),
  clip("vertical-15s", vertical15, "9:16", 15),
  clip("square-5s", square5, "1:1", 5),
  clip("square-10s", square10, "1:1", 10),
  clip("square-15s", square15, "1:1", 15),
];

/** The nearest offered length to `seconds` (5, 10 or 15; ties go up). */
export function snapLength(seconds: number): LengthS {
  if (!Number.isFinite(seconds)) return 10;
  return LENGTHS_S.reduce((best, length) => (Math.abs(length - seconds) <= Math.abs(best - seconds) ? length : best));
}

/** The shape nearest to a frame's proportions. */
export function shapeOfSize(width: number, height: number): Shape {
  if (!(width > 0 && height > 0)) return "16:9";
  const ratio = Math.log(width / height);
  return (Object.keys(SHAPES) as Shape[]).reduce((best, shape) =>
    Math.abs(Math.log(SHAPES[shape].width / SHAPES[shape].height) - ratio) <
    Math.abs(Math.log(SHAPES[best].width / SHAPES[best].height) - ratio)
      ? shape
      : best,
  );
}

/** The index of the clip of a shape whose length is nearest to `seconds`. */
export const clipFor = (shape: Shape, seconds: number): number =>
  clips.findIndex((candidate) => candidate.shape === shape && candidate.durationS === snapLength(seconds));

/**
 * The clip that plays a draft as anyone may submit it (keys read defensively): its frame from `m.width`/`m.height`
 * (16:9 without), its length from `d` in ms (10 s without).
 */
export function clipForDraft(draft: unknown): number {
  const { d, m } = (draft ?? {}) as { d?: unknown; m?: { width?: unknown; height?: unknown } | null };
  const shape = shapeOfSize(Number(m?.width), Number(m?.height));
  return clipFor(shape, typeof d === "number" && d > 0 ? d / 1000 : 10);
}

