import { describe, expect, it } from "vitest";
import { routeIntent } from "../../web/chat/intents";
import { en } from "../../web/i18n/en";
import { zh } from "../../web/i18n/zh";
import { timelineHeading, trackLine } from "../../web/timeline/summary";

describe("the intent router", () => {
  it.each([
    ["export", "export"],
    ["export 720p MP4", "export"],
    ["download", "export"],
    ["send me the video", "export"],
    ["导出", "export"],
    ["导出视频", "export"],
    ["credits", "credits"],
    ["what's my balance?", "credits"],
    ["积分", "credits"],
    ["余额", "credits"],
    ["status", "state"],
    ["show tracks", "state"],
    ["状态", "state"],
    ["upload", "upload"],
    ["upload a file", "upload"],
    ["上传", "upload"],
  ])("sends %j to the %s step", (text, intent) => {
    expect(routeIntent(text)).toBe(intent);
  });

  it.each([
    "a fox running through a snowy forest",
    "generate a 5-second video clip of a sunset over the ocean with calm waves",
    "add upbeat background music",
    "make a video about a bank balance sheet coming to life with numbers dancing",
    "一只狐狸在雪林中奔跑，画面温暖，最后导出成适合手机观看的竖屏视频",
    "",
  ])("sends everything else to the assistant: %j", (text) => {
    expect(routeIntent(text)).toBe("chat");
  });
});

describe("the timeline summary", () => {
  const tracks = [
    { kind: "video" as const, label: "city timelapse", startMs: 0, endMs: 10_000, volume: 1 },
    { kind: "audio" as const, label: "Lo-fi", startMs: 0, endMs: 10_000, volume: 0.35 },
    { kind: "text" as const, label: "Urban Dreams", startMs: 0, endMs: 3_000 },
  ];

  it("reads each track as the seed does: name, label, times, volume", () => {
    expect(tracks.map((track) => trackLine(en, track))).toEqual([
      "Video: city timelapse (0–10s, 100%)",
      "BGM: Lo-fi (0–10s, 35%)",
      "Title: “Urban Dreams” (0–3s)",
    ]);
    expect(timelineHeading(en, tracks, 10_000)).toBe("Timeline (3 tracks, 10s)");
  });

  it("speaks Chinese with Chinese punctuation", () => {
    expect(trackLine(zh, tracks[1])).toBe("背景音乐：Lo-fi（0–10s，35%）");
    expect(timelineHeading(zh, tracks, 10_000)).toBe("时间线（3 条轨道，10s）");
  });

  it("shows tenths of a second, a missing label, and an empty timeline in words", () => {
    expect(trackLine(en, { kind: "other", label: "", startMs: 2_500, endMs: 7_250 })).toBe("Track: — (2.5–7.3s)");
    expect(timelineHeading(en, [tracks[0]], 1_000)).toBe("Timeline (1 track, 1s)");
    expect(timelineHeading(en, [], 0)).toBe(en.timelineEmpty);
  });
});
