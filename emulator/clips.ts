import { stableHash } from "./ids";
import bars from "./clips/bars.mp4.bin";
import gradients from "./clips/gradients.mp4.bin";
import mandelbrot from "./clips/mandelbrot.mp4.bin";
import testcard from "./clips/testcard.mp4.bin";

/** A real 1280x720 H.264 MP4 made by clips/make-clips.sh. */
export interface Clip {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  durationS: number;
}

export const clips: Clip[] = [
  { name: "testcard", bytes: new Uint8Array(testcard), durationS: 3 },
  { name: "mandelbrot", bytes: new Uint8Array(mandelbrot), durationS: 3 },
  { name: "gradients", bytes: new Uint8Array(gradients), durationS: 4 },
  { name: "bars", bytes: new Uint8Array(bars), durationS: 2 },
];

/** The clip for a key (a prompt, a draft): always the same one for the same key. */
export const clipIndexFor = (key: string): number => stableHash(key) % clips.length;
