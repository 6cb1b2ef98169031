// A video's choices in words (worker/generations/choices.ts).
import { describe, expect, it } from "vitest";
import { promptWithChoices } from "../../worker/generations/choices";

describe("a video's choices in words", () => {
  it("an aspect ratio and a length follow the prompt, in the prompt's language; no choice leaves it as it is", () => {
    expect(promptWithChoices("a fox in the snow.", { aspectRatio: "9:16", lengthS: 10 })).toBe("a fox in the snow, 9:16 vertical, 10 seconds");
    expect(promptWithChoices("a lighthouse", { aspectRatio: "1:1" })).toBe("a lighthouse, 1:1 square");
    expect(promptWithChoices("a lighthouse", { lengthS: 5 }, "en-GB")).toBe("a lighthouse, 5 seconds");
    expect(promptWithChoices("雪地里奔跑的狐狸。", { aspectRatio: "16:9", lengthS: 15 }, "zh-CN")).toBe("雪地里奔跑的狐狸，16:9 横屏，15 秒");
    expect(promptWithChoices("a lighthouse.", {})).toBe("a lighthouse.");
  });
});
