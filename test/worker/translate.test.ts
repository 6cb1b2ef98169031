// NemoVideo's GUI wording in this product's words, a reply cut anywhere, activity labels (worker/chat/translate.ts).
import { describe, expect, it } from "vitest";
import { activityLabel, ReplyText, translateGui } from "../../worker/chat/translate";

describe("NemoVideo's GUI wording, translated into what this product can do", () => {
  it("turns 'click Export' into the Export action, and its sentence into what happens: the export runs by itself", () => {
    expect(translateGui("Click Export to download your video.")).toEqual({ text: "Exporting it now…", actions: ["export"] });
    expect(translateGui('Your clip is ready. When you like it, click the "Export" button. Enjoy!')).toEqual({
      text: "Your clip is ready. Exporting it now… Enjoy!",
      actions: ["export"],
    });
    expect(translateGui("It runs 10.5 seconds; press Export to get it.")).toEqual({ text: "Exporting it now…", actions: ["export"] });
  });

  it("says it is exporting once a reply, however often the Export button is offered", () => {
    expect(translateGui("Click Export now. If you like, click Export again.")).toEqual({ text: "Exporting it now…", actions: ["export"] });
    const reply = new ReplyText();
    expect(reply.partial("Click Export now. Or").text).toBe("Exporting it now…");
    expect(reply.partial(" click the Export button. Done").text).toBe("");
    expect(reply.end().text).toBe(" Done");
  });

  it("turns panels and timeline previews into showing the state", () => {
    expect(translateGui("Open the timeline panel to check the cut.")).toEqual({
      text: "Look at the timeline to check the cut.",
      actions: ["state"],
    });
    expect(translateGui("You can preview in timeline.")).toEqual({ text: "You can see it in the timeline.", actions: ["state"] });
  });

  it("turns the Upload button into adding a file, and dragging into asking", () => {
    expect(translateGui("Click Upload to add your own footage.")).toEqual({
      text: "Add a file to add your own footage.",
      actions: ["upload"],
    });
    expect(translateGui("You can drag the clip to 0:05.")).toEqual({ text: "You can ask me to move the clip to 0:05.", actions: [] });
    expect(translateGui("Click the Trim button.")).toEqual({ text: "Ask me to trim.", actions: [] });
  });

  it("reports each action once, however often it is asked for", () => {
    const { actions } = translateGui("Click Export now. If it fails, click Export again, then open the editor.");
    expect(actions).toEqual(["state", "export"]);
  });

  it("translates the Chinese phrases", () => {
    expect(translateGui("视频好了。请点击导出按钮下载视频。")).toEqual({ text: "视频好了。正在导出…", actions: ["export"] });
    expect(translateGui("点击上传添加素材")).toEqual({ text: "添加文件添加素材", actions: ["upload"] });
    expect(translateGui("可以在时间线中预览效果。")).toEqual({ text: "可以在时间线中查看效果。", actions: ["state"] });
    expect(translateGui("打开编辑面板即可调整。")).toEqual({ text: "查看时间线即可调整。", actions: ["state"] });
    expect(translateGui("拖动片段到开头").actions).toEqual([]);
    expect(translateGui("拖动片段到开头").text).not.toMatch(/拖动/);
  });

  it("leaves ordinary text alone", () => {
    for (const text of [
      "Your 10-second clip is ready. It shows a fox running through snow.",
      "The export is free, and the clip is ready to export.",
      "你的10秒视频已经生成好了。",
    ])
      expect(translateGui(text)).toEqual({ text, actions: [] });
  });
});

describe("a reply streamed in pieces cut anywhere", () => {
  /** What the person reads when `reply` arrives as partial chunks ending at `cuts`, then the final whole text. */
  function streamed(reply: string, cuts: number[]) {
    const text = new ReplyText();
    const pieces = [0, ...cuts, reply.length].slice(1).map((end, i, ends) => reply.slice(i ? ends[i - 1] : 0, end));
    const out = [...pieces.map((piece) => text.partial(piece)), text.final(reply), text.end()];
    return { text: out.map((part) => part.text).join(""), actions: [...new Set(out.flatMap((part) => part.actions))], notice: out.some((part) => part.notice) };
  }

  it("reads the same, translated, wherever the cuts fall: inside 'Click the Export button', '点击导出', 'preview'", () => {
    for (const [reply, expected] of [
      ["Your clip is ready. Preview it in the timeline. Click the Export button to download it.", "Your clip is ready. See it in the timeline. Exporting it now…"],
      ["视频已生成。可以在时间线中预览。点击导出按钮即可下载。", "视频已生成。可以在时间线中查看。正在导出…"],
      ["The clip runs 10.5 seconds! Open the audio panel to fine-tune it", "The clip runs 10.5 seconds! Look at the timeline to fine-tune it"],
    ])
      for (let cut = 1; cut < reply.length; cut++)
        for (const second of [cut + 1, cut + 7]) {
          const cuts = second < reply.length ? [cut, second] : [cut];
          expect(streamed(reply, cuts).text, `cut at ${cuts}`).toBe(expected);
        }
  });

  it("lets each finished sentence out at once and holds back only the unfinished one", () => {
    const text = new ReplyText();
    expect(text.partial("Your clip is ready. Click the Exp").text).toBe("Your clip is ready.");
    expect(text.partial("ort button.").text).toBe("");
    expect(text.partial(" Enjoy").text).toBe(" Exporting it now…");
    expect(text.end()).toEqual({ text: " Enjoy", actions: [], notice: false, cut: true });
  });

  it("drops the notice, cut anywhere, with the rest of its message", () => {
    const notice = "I encountered a temporary issue. Please try again.";
    for (let cut = 1; cut < notice.length; cut++) {
      const text = new ReplyText();
      text.final("Your clip is ready.");
      const out = [text.partial(notice.slice(0, cut)), text.partial(notice.slice(cut)), text.final(notice), text.end()];
      expect(out.map((part) => part.text).join(""), `cut at ${cut}`).toBe("");
      expect(out.some((part) => part.notice)).toBe(true);
    }
  });
});

describe("activity labels for the backend's tools", () => {
  it("names the tools NemoVideo is known to use, in both languages", () => {
    expect(activityLabel("generate_video_with_seedance", "en")).toBe("Generating video");
    expect(activityLabel("generate_video_with_seedance", "zh")).toBe("正在生成视频");
    expect(activityLabel("edit_multitrack", "en")).toBe("Editing the timeline");
    expect(activityLabel("edit_multitrack", "zh")).toBe("正在编辑时间线");
    expect(activityLabel("generate_music", "en")).toBe("Composing music");
    expect(activityLabel("generate_music", "zh")).toBe("正在生成音乐");
  });

  it("says 'Working' for a tool it does not know", () => {
    expect(activityLabel("get_weather", "en")).toBe("Working");
    expect(activityLabel("get_weather", "zh")).toBe("正在处理");
  });
});
