// The page's own signals (web/signals.ts), the part of Preact signals it uses: every screen reads the store through
// them, so a missed or doubled update is a screen that shows the wrong thing (a delete not seen, a video twice).
import { describe, expect, it } from "vitest";
import { batch, effect, signal } from "../../web/signals";

describe("the page's signals", () => {
  it("an effect runs at once, then again on each change of what it read, and not for a write of the same value", () => {
    const credits = signal(100);
    const seen: number[] = [];
    effect(() => void seen.push(credits.value));
    credits.value = 0;
    credits.value = 0;
    credits.value = 1000;
    expect(seen).toEqual([100, 0, 1000]);
  });

  it("reads afresh each run: a value no longer read no longer wakes it, a newly read one does", () => {
    const showLibrary = signal(false);
    const chat = signal("chat 1");
    const library = signal("library 1");
    const seen: string[] = [];
    effect(() => void seen.push(showLibrary.value ? library.value : chat.value));
    showLibrary.value = true;
    chat.value = "chat 2"; // no longer read
    library.value = "library 2";
    expect(seen).toEqual(["chat 1", "library 1", "library 2"]);
  });

  it("a batch of changes runs each effect once, after the last, with every change in place", () => {
    const lines = signal(["hello"]);
    const turn = signal<string | undefined>("running");
    const seen: string[] = [];
    effect(() => void seen.push(`${lines.value.length} lines, ${turn.value ?? "no turn"}`));
    batch(() => {
      lines.value = [...lines.value, "reply"];
      turn.value = undefined;
      batch(() => void (lines.value = [...lines.value, "video"]));
    });
    expect(seen).toEqual(["1 lines, running", "3 lines, no turn"]);
  });

  it("a stopped effect never runs again, even where a batch already had it waiting", () => {
    const videos = signal(1);
    const seen: number[] = [];
    const stop = effect(() => void seen.push(videos.value));
    batch(() => {
      videos.value = 2;
      stop();
    });
    videos.value = 3;
    expect(seen).toEqual([1]);
  });

  it("effects inside effects keep their own reads: the outer one is not woken by what the inner one read", () => {
    const outer = signal("a");
    const inner = signal(1);
    const ran = { outer: 0, inner: 0 };
    effect(() => {
      void outer.value;
      ran.outer++;
      effect(() => void (inner.value, ran.inner++));
    });
    inner.value = 2;
    expect(ran).toEqual({ outer: 1, inner: 2 });
  });
});
