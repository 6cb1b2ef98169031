import { config } from "./config";

/** Real time in epoch ms: the emulator's clock is the wall clock, only durations are scaled. */
export const now = (): number => Date.now();

/** A simulated duration (in real-world ms) as it passes here, after `timeScale`. */
export const scaled = (ms: number): number => ms * config().timeScale;

/** Waits `ms` real milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
