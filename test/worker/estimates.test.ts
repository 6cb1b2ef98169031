import { describe, expect, it } from "vitest";
import { estimate } from "../../worker/estimates";

/** Every expected time below is worked out by hand in the comment beside it. */
describe("when a running job should be done", () => {
  it("nothing is known yet (no usual duration, no progress that moved): no estimate", () => {
    expect(estimate({ startedAt: 0, now: 5_000 })).toBeUndefined();
    expect(estimate({ startedAt: 0, progress: 5, now: 5_000 })).toBeUndefined();
  });

  it("before the progress has moved, the deployment's usual duration from the start", () => {
    // Started at 0, usually 40 s: done at 40 s.
    expect(estimate({ startedAt: 0, now: 10_000, usualMs: 40_000 })).toBe(40_000);
    // NemoVideo's first 5 % says nothing of speed: still the usual 60 s from 1 000 → 61 000.
    expect(estimate({ startedAt: 1_000, progress: 5, now: 4_000, usualMs: 60_000 })).toBe(61_000);
  });

  it("once the progress has moved, the time so far stretched to 100 %", () => {
    // 50 % in 30 s → 60 s in all, done at 60 s (the usual 200 s no longer counts).
    expect(estimate({ startedAt: 0, progress: 50, now: 30_000, usualMs: 200_000 })).toBe(60_000);
    // 25 % in 10 s from a start at 5 000 → 40 s in all → 45 000; it needs no usual duration.
    expect(estimate({ startedAt: 5_000, progress: 25, now: 15_000 })).toBe(45_000);
    // Exactly 10 % counts as moved: 10 % in 2 s → 20 s → 20 000.
    expect(estimate({ startedAt: 0, progress: 10, now: 2_000, usualMs: 90_000 })).toBe(20_000);
  });

  it("a job past its expected end gets a little more (a tenth of its time so far), never a time in the past", () => {
    // Usually 40 s but 60 s so far: a tenth of 60 s is 6 s → 66 000.
    expect(estimate({ startedAt: 0, now: 60_000, usualMs: 40_000 })).toBe(66_000);
    // 99 % after 99 s would end at 100 s, 1 s away, but a tenth of 99 s is 9.9 s → 99 000 + 9 900 = 108 900.
    expect(estimate({ startedAt: 0, progress: 99, now: 99_000 })).toBe(108_900);
  });

  it("at least a second more, however short the job so far (the emulator's scaled renders)", () => {
    // Usually 200 ms, 500 ms so far: a tenth is 50 ms, less than the second → 500 + 1 000 = 1 500.
    expect(estimate({ startedAt: 0, now: 500, usualMs: 200 })).toBe(1_500);
  });
});
