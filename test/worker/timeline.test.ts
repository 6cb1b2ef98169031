// Reading NemoVideo's draft into a timeline, saying it in a line, and saying what changed (worker/nemo/state.ts, worker/sessions/timeline.ts).
import { describe, expect, it } from "vitest";
import { toTimeline } from "../../worker/nemo/state";
import type { Timeline } from "../../worker/nemo/shapes";
import { describeChanges, isExportReady, summarize } from "../../worker/sessions/timeline";

/** The seed's example timeline, as NemoVideo's short-key draft. */
const seedDraft = {
  t: [
    { tt: 0, sg: [{ n: "city timelapse", s: 0, e: 10_000 }] },
    { tt: 1, sg: [{ n: "Lo-fi", s: 0, e: 10_000, v: 0.35 }] },
    { tt: 7, sg: [{ n: "Urban Dreams", s: 0, e: 3000 }] },
  ],
  d: 10_000,
  m: { title: "Urban Dreams", width: 1280, height: 720 },
};

const SEED_SUMMARY =
  'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)';

const seedTimeline: Timeline = {
  durationMs: 10_000,
  tracks: [
    { kind: "video", label: "city timelapse", startMs: 0, endMs: 10_000 },
    { kind: "audio", label: "Lo-fi", startMs: 0, endMs: 10_000, volume: 0.35 },
    { kind: "text", label: "Urban Dreams", startMs: 0, endMs: 3000 },
  ],
};

describe("reading NemoVideo's draft into a timeline", () => {
  it("reads the short segment keys n, s, e, v", () => {
    expect(toTimeline(seedDraft)).toEqual(seedTimeline);
    expect(isExportReady(toTimeline(seedDraft))).toBe(true);
  });

  it("reads the long segment keys name, start, end, volume, with the volume as a percentage", () => {
    const draft = {
      t: [
        { tt: 0, sg: [{ name: "city timelapse", start: 0, end: 10_000 }] },
        { tt: 1, sg: [{ name: "Lo-fi", start: 0, end: 10_000, volume: 35 }] },
        { tt: 7, sg: [{ name: "Urban Dreams", start: 0, end: 3000 }] },
      ],
      d: 10_000,
    };
    expect(toTimeline(draft)).toEqual(seedTimeline);
  });

  it("keeps a volume given as 0–1 and turns a percentage into 0–1", () => {
    const volumeOf = (v: number) => toTimeline({ t: [{ tt: 1, sg: [{ n: "Lo-fi", s: 0, e: 1000, v }] }] }).tracks[0].volume;
    expect(volumeOf(0.35)).toBe(0.35);
    expect(volumeOf(1)).toBe(1);
    expect(volumeOf(0)).toBe(0);
    expect(volumeOf(60)).toBe(0.6);
    expect(volumeOf(100)).toBe(1);
  });

  it("calls a track of an unknown type 'other' and still shows it", () => {
    const timeline = toTimeline({ t: [{ tt: 3, sg: [{ n: "sticker", s: 1000, e: 2500 }] }], d: 5000 });
    expect(timeline.tracks).toEqual([{ kind: "other", label: "sticker", startMs: 1000, endMs: 2500 }]);
    expect(summarize(timeline, "en")).toBe("Timeline (1 track): 1. Track: sticker (1-2.5s)");
  });

  it("reads an empty, missing or garbled draft as an empty timeline that is not ready to export", () => {
    for (const draft of [null, undefined, {}, "garbage", 42, [], { t: "nope" }, { t: [null, 5, { tt: 0, sg: [] }] }]) {
      const timeline = toTimeline(draft);
      expect(timeline).toEqual({ durationMs: 0, tracks: [] });
      expect(isExportReady(timeline)).toBe(false);
    }
  });
});

describe("the timeline summary", () => {
  it("reads like the seed's example in English", () => {
    expect(summarize(toTimeline(seedDraft), "en")).toBe(SEED_SUMMARY);
  });

  it("shows a volume on the music's line only, as the seed's summary does, whatever volume other segments carry", () => {
    // The contract reads a volume from any segment ("start and end in ms, volume"); the seed's summary gives one
    // for the BGM line alone.
    const draft = structuredClone(seedDraft);
    Object.assign(draft.t[0].sg[0], { v: 1 });
    expect(summarize(toTimeline(draft), "en")).toBe(SEED_SUMMARY);
  });

  it("speaks Chinese to a zh session", () => {
    expect(summarize(toTimeline(seedDraft), "zh-CN")).toBe(
      '时间线（3 条轨道）：1. 视频：city timelapse（0-10s） 2. 背景音乐：Lo-fi（0-10s，35%） 3. 标题："Urban Dreams"（0-3s）',
    );
  });

  it("says how to begin when the timeline is empty", () => {
    const empty = { durationMs: 0, tracks: [] };
    expect(summarize(empty, "en")).toBe("The timeline is empty: describe a video to start.");
    expect(summarize(empty, "zh")).toBe("时间线还是空的：描述你想要的视频即可开始。");
  });

  it("shows fractions of a second", () => {
    const timeline = toTimeline({ t: [{ tt: 0, sg: [{ n: "fox", s: 0, e: 7500 }] }] });
    expect(summarize(timeline)).toBe("Timeline (1 track): 1. Video: fox (0-7.5s)");
  });
});

describe("what changed in the timeline", () => {
  const edited = (change: (timeline: Timeline) => void) => {
    const after = structuredClone(seedTimeline);
    change(after);
    return after;
  };

  it("names an added track", () => {
    const after = edited((t) => t.tracks.push({ kind: "text", label: "Thanks for watching", startMs: 7000, endMs: 10_000 }));
    expect(describeChanges(seedTimeline, after, "en")).toEqual(["Added Title: Thanks for watching"]);
    expect(describeChanges(seedTimeline, after, "zh")).toEqual(["新增标题：Thanks for watching"]);
  });

  it("names a removed last track", () => {
    const after = edited((t) => t.tracks.pop());
    expect(describeChanges(seedTimeline, after, "en")).toEqual(['Removed Title: Urban Dreams']);
  });

  it("reports only the music as removed when the music track in the middle goes", () => {
    // "remove the music": the emulator, like NemoVideo, splices the BGM track out of [video, BGM, title].
    const after = edited((t) => t.tracks.splice(1, 1));
    expect(describeChanges(seedTimeline, after, "en")).toEqual(["Removed BGM: Lo-fi"]);
  });

  it("names a new label, new timing and a new volume", () => {
    const after = edited((t) => {
      t.tracks[0].label = "city at night";
      t.tracks[1].volume = 0.2;
      t.tracks[2].endMs = 5000;
    });
    expect(describeChanges(seedTimeline, after, "en")).toEqual([
      "Video is now city at night",
      "BGM volume 35% → 20%",
      "Title timing 0-3s → 0-5s",
    ]);
    expect(describeChanges(seedTimeline, after, "zh")).toEqual([
      "视频改为：city at night",
      "背景音乐音量 35% → 20%",
      "标题时间 0-3s → 0-5s",
    ]);
  });

  it("says nothing when nothing changed", () => {
    expect(describeChanges(seedTimeline, structuredClone(seedTimeline), "en")).toEqual([]);
    expect(describeChanges({ durationMs: 0, tracks: [] }, { durationMs: 0, tracks: [] })).toEqual([]);
  });
});
