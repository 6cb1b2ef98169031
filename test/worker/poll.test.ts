import { describe, expect, it } from "vitest";
import { nextPollIn, POLL } from "../../worker/exports/poll";

/**
 * The export poll schedule against the targets of issue 13, on simulated renders: a finished render seen within
 * 3 s at the median and never more than 15 s late, with no more polls than NemoVideo's own client makes on the
 * same renders. The progress curves are drawn here from the words, apart from the emulator's.
 */
const CURVES: Record<string, (fraction: number) => number | undefined> = {
  straight: (f) => 100 * f,
  "slow start": (f) => (f < 0.8 ? 2 : 2 + 98 * ((f - 0.8) / 0.2)),
  "early plateau": (f) => Math.min(90, 450 * f),
  steps: (f) => 20 * Math.floor(5 * f),
  stuck: () => 0,
  "no progress": () => undefined,
};

interface Seen {
  delayMs: number;
  polls: number;
}

/** NemoVideo's own client: the first poll at 2 s, then each wait ×1.5, at most 15 s. */
function nemoVideoClient(lengthMs: number): Seen {
  let at = 2_000;
  let wait = 2_000;
  let polls = 1;
  while (at < lengthMs) {
    wait = Math.min(15_000, wait * 1.5);
    at += wait;
    polls++;
  }
  return { delayMs: at - lengthMs, polls };
}

/**
 * The export job's polls of a render of `lengthMs` whose progress follows `curve` (reported rounded down, and as
 * 0 when there is none), submitted at 0 with progress 0: when it is seen completed, and after how many polls.
 */
function promptReel(curve: (fraction: number) => number | undefined, lengthMs: number): Seen {
  let previous = { at: 0, progress: 0 };
  let at = POLL.firstMs;
  for (let polls = 1; polls < 200; polls++) {
    if (at >= lengthMs) return { delayMs: at - lengthMs, polls };
    const latest = { at, progress: Math.min(99, Math.floor(curve(at / lengthMs) ?? 0)) };
    at += nextPollIn({ startedAt: 0, previous, latest });
    previous = { at: latest.at, progress: Math.max(previous.progress, latest.progress) };
  }
  throw new Error("never saw the render finish");
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length / 2) - 1];
const delays = (seen: Seen[]) => seen.map(({ delayMs }) => delayMs);
const polls = (seen: Seen[]) => seen.reduce((sum, { polls }) => sum + polls, 0);
const renders = (lengths: number[]) =>
  Object.entries(CURVES).map(([name, curve]) => ({
    name,
    ours: lengths.map((length) => promptReel(curve, length)),
    theirs: lengths.map((length) => nemoVideoClient(length)),
  }));

describe("the export poll schedule, on renders of 20, 45 and 80 s of every progress shape (the bench's)", () => {
  const runs = renders([20_000, 45_000, 80_000]);

  it("sees a finished render within 3 s at the median, never more than 15 s late", () => {
    const all = runs.flatMap((run) => delays(run.ours));
    expect(median(all)).toBeLessThanOrEqual(3_000);
    expect(Math.max(...all)).toBeLessThanOrEqual(15_000);
  });

  it("makes no more polls in all than NemoVideo's own client would on the same renders", () => {
    expect(polls(runs.flatMap((run) => run.ours))).toBeLessThanOrEqual(polls(runs.flatMap((run) => run.theirs)));
  });
});

describe("the export poll schedule, on renders of every length from 20 to 90 s", () => {
  const runs = renders(Array.from({ length: 281 }, (_, i) => 20_000 + 250 * i));

  it("never sees one more than 15 s late, whatever its progress does", () => {
    for (const run of runs) expect(Math.max(...delays(run.ours)), run.name).toBeLessThanOrEqual(15_000);
  });

  it("sees them at least twice as soon as NemoVideo's own client at the median, and a straight render or one that crawls then finishes fast within 3 s", () => {
    const all = (side: "ours" | "theirs") => runs.flatMap((run) => delays(run[side]));
    expect(median(all("ours"))).toBeLessThanOrEqual(median(all("theirs")) / 2);
    for (const run of runs.filter(({ name }) => name === "straight" || name === "slow start"))
      expect(median(delays(run.ours)), run.name).toBeLessThanOrEqual(3_000);
  });

  it("polls no more in all than NemoVideo's own client would, on every curve (a plateau at 90 % included)", () => {
    for (const run of runs) expect(polls(run.ours), run.name).toBeLessThanOrEqual(polls(run.theirs));
  });
});

describe("the export poll schedule, with nothing to go on", () => {
  it("never polls a render whose progress never moves more than NemoVideo's own client would, however long it runs", () => {
    for (let length = 1_000; length <= 600_000; length += 500)
      for (const curve of [CURVES.stuck, CURVES["no progress"]])
        expect(promptReel(curve, length).polls, `${length} ms`).toBeLessThanOrEqual(nemoVideoClient(length).polls);
  });

  it("shrinks every wait by JOB_TIME_SCALE", () => {
    const moving = { startedAt: 0, previous: { at: 0, progress: 0 }, latest: { at: 8_000, progress: 10 } };
    const still = { ...moving, latest: { at: 8_000, progress: 0 } };
    for (const render of [moving, still])
      expect(nextPollIn({ ...render, latest: { ...render.latest, at: 80 } }, 0.01)).toBeCloseTo(nextPollIn(render) * 0.01);
  });
});
