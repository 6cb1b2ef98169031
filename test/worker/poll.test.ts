import { describe, expect, it } from "vitest";
import { nextPollIn, POLL } from "../../worker/exports/poll";

/** The emulator's progress: 5 at submission, rising evenly to 99, reported rounded down. */
const progressAt = (elapsedMs: number, lengthMs: number) => Math.min(99, 5 + Math.floor((95 * elapsedMs) / lengthMs));

/** Polls a render of `lengthMs` with the schedule; answers when it is seen completed and how many polls it took. */
function simulate(lengthMs: number) {
  let at = nextPollIn({ submittedAt: 0, startProgress: 5 });
  for (let polls = 1; polls < 20; polls++) {
    if (at >= lengthMs) return { seenAt: at, polls };
    at += nextPollIn({ submittedAt: 0, startProgress: 5, at, progress: progressAt(at, lengthMs) });
  }
  throw new Error("never saw it finish");
}

describe("the export poll schedule", () => {
  it("first looks after 20 s, scaled", () => {
    expect(nextPollIn({ submittedAt: 0, startProgress: 5 })).toBe(POLL.firstMs);
    expect(nextPollIn({ submittedAt: 0, startProgress: 5 }, 0.01)).toBe(POLL.firstMs * 0.01);
  });

  it("sees every render of 30–90 s finish within about 3 s, in 2 or 3 polls (the 30-second cadence takes 1–3 and 15 s on average)", () => {
    const delays: number[] = [];
    for (let length = 30_000; length <= 90_000; length += 1_000) {
      const { seenAt, polls } = simulate(length);
      expect(seenAt - length, `a ${length} ms render`).toBeLessThanOrEqual(3_500);
      expect(polls).toBeLessThanOrEqual(3);
      delays.push(seenAt - length);
    }
    delays.sort((a, b) => a - b);
    expect(delays[Math.floor(delays.length / 2)]).toBeLessThan(1_500);
  });

  it("with no progress to go on (a queue), looks again every 5–30 s", () => {
    expect(nextPollIn({ submittedAt: 0, startProgress: 5, at: 20_000, progress: 5 })).toBe(10_000);
    expect(nextPollIn({ submittedAt: 0, startProgress: 5, at: 2_000, progress: 5 })).toBe(POLL.stalledMinMs);
    expect(nextPollIn({ submittedAt: 0, startProgress: 5, at: 600_000, progress: 5 })).toBe(POLL.stalledMaxMs);
  });

  it("never waits less than a second nor more than 90 s between looks", () => {
    expect(nextPollIn({ submittedAt: 0, startProgress: 5, at: 60_000, progress: 99 })).toBeGreaterThanOrEqual(POLL.minGapMs);
    expect(nextPollIn({ submittedAt: 0, startProgress: 5, at: 20_000, progress: 6 })).toBe(POLL.maxGapMs);
  });
});
