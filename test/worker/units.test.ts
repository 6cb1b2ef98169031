import { describe, expect, it } from "vitest";
import { activityLabel, ReplyText, translateGui } from "../../worker/chat/translate";
import { appErrorOf } from "../helpers";
import { readUpstreamData, type UpstreamEvent, upstreamEvents } from "../../worker/nemo/events";
import { toTimeline } from "../../worker/nemo/state";
import { FORMATS_SENTENCE, mediaKindOf } from "../../worker/nemo/formats";
import type { Timeline } from "../../worker/nemo/shapes";
import { describeChanges, isExportReady, summarize } from "../../worker/sessions/timeline";
import { inspectMultipart } from "../../worker/uploads/multipart";
import { promptWithChoices } from "../../worker/generations/choices";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A stream that hands out `bytes` in pieces of `size` bytes, as a network would. */
function chunked(bytes: Uint8Array, size: number, onCancel?: () => void): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
    cancel: () => onCancel?.(),
  });
}

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

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

describe("reading one event of NemoVideo's chat stream", () => {
  const adk = (event: Record<string, unknown>) =>
    readUpstreamData(JSON.stringify({ invocationId: "e-1", author: "nemo_agent", id: "ev", timestamp: 1, ...event }));

  it("reads an ADK functionCall as a tool call", () => {
    expect(
      adk({
        content: { role: "model", parts: [{ functionCall: { id: "adk-1", name: "generate_video", args: { prompt: "fox" } } }] },
        actions: { stateDelta: {} },
      }),
    ).toEqual([{ type: "tool_call", name: "generate_video" }]);
  });

  it("reads an ADK functionResponse as a tool result carrying the state delta", () => {
    expect(
      adk({
        content: { role: "user", parts: [{ functionResponse: { id: "adk-1", name: "generate_video", response: { status: "success" } } }] },
        actions: { stateDelta: { draft: { t: [] } } },
      }),
    ).toEqual([{ type: "tool_result", name: "generate_video", stateDelta: { draft: { t: [] } } }]);
  });

  it("reads a state delta without parts as a change of state", () => {
    expect(adk({ actions: { stateDelta: { draft: { t: [] } } } })).toEqual([
      { type: "tool_result", name: "state", stateDelta: { draft: { t: [] } } },
    ]);
  });

  it("reads model text, whole or partial, and skips thoughts and the user's own words", () => {
    expect(adk({ content: { role: "model", parts: [{ text: "Your 10-second clip is ready." }] } })).toEqual([
      { type: "text", text: "Your 10-second clip is ready.", partial: false },
    ]);
    expect(adk({ content: { role: "model", parts: [{ text: "Your 10-" }] }, partial: true })).toEqual([
      { type: "text", text: "Your 10-", partial: true },
    ]);
    expect(
      adk({ content: { role: "model", parts: [{ text: "Let me think about foxes…", thought: true }, { text: "Done." }] } }),
    ).toEqual([{ type: "text", text: "Done.", partial: false }]);
    expect(adk({ content: { role: "user", parts: [{ text: "generate a fox" }] } })).toEqual([{ type: "heartbeat" }]);
  });

  it('reads the {"type":…} family', () => {
    expect(readUpstreamData('{"type":"text","content":"Hello"}')).toEqual([{ type: "text", text: "Hello", partial: false }]);
    expect(readUpstreamData('{"type":"tool_call","name":"edit_multitrack","args":{}}')).toEqual([
      { type: "tool_call", name: "edit_multitrack" },
    ]);
    expect(readUpstreamData('{"type":"tool_result","name":"edit_multitrack","result":{"state_delta":{"draft":{}}}}')).toEqual([
      { type: "tool_result", name: "edit_multitrack", stateDelta: { draft: {} } },
    ]);
    expect(readUpstreamData('{"type":"heartbeat"}')).toEqual([{ type: "heartbeat" }]);
  });

  it("reads errors in all their forms, keeping a numeric code", () => {
    expect(readUpstreamData('{"error":"The agent failed to respond."}')).toEqual([
      { type: "error", code: undefined, message: "The agent failed to respond." },
    ]);
    expect(readUpstreamData('{"error":{"code":2001,"message":"insufficient credits"}}')).toEqual([
      { type: "error", code: 2001, message: "insufficient credits" },
    ]);
    expect(adk({ errorCode: 2001, errorMessage: "insufficient credits" })).toEqual([
      { type: "error", code: 2001, message: "insufficient credits" },
    ]);
    expect(adk({ errorCode: "INTERNAL", errorMessage: "The agent failed to respond." })).toEqual([
      { type: "error", code: undefined, message: "The agent failed to respond." },
    ]);
  });

  it("counts empty or unreadable data as a sign of life, never as text", () => {
    for (const data of ["", "   ", "not json", "[1,2]", "null", '"text"', "{}"])
      expect(readUpstreamData(data)).toEqual([{ type: "heartbeat" }]);
  });
});

describe("NemoVideo's chat stream as events", () => {
  const sse = [
    ": heartbeat\n\n",
    'data: {"content":{"role":"model","parts":[{"functionCall":{"id":"adk-1","name":"generate_video_with_seedance","args":{}}}]},"actions":{"stateDelta":{}}}\n\n',
    ": heartbeat\n\n",
    'data: {"content":{"role":"user","parts":[{"functionResponse":{"id":"adk-1","name":"generate_video_with_seedance","response":{"status":"success"}}}]},"actions":{"stateDelta":{"draft":{"t":[]}}}}\n\n',
    'data: {"content":{"role":"model","parts":[{"text":"你好，视频已经生成好了。"}]}}\n\n',
    'data: {"type":"heartbeat"}\n\n',
    'data: {"content":{"role":"model","parts":[{"text":"Ready."}]}}\n\n',
  ].join("");
  const expected: UpstreamEvent[] = [
    { type: "tool_call", name: "generate_video_with_seedance" },
    { type: "tool_result", name: "generate_video_with_seedance", stateDelta: { draft: { t: [] } } },
    { type: "text", text: "你好，视频已经生成好了。", partial: false },
    { type: "heartbeat" },
    { type: "text", text: "Ready.", partial: false },
  ];

  it("reads the same events however the bytes are split, even inside a character or a line ending", async () => {
    const bytes = encoder.encode(sse);
    for (const size of [1, 2, 3, 7, 64, bytes.length]) expect(await readAll(upstreamEvents(chunked(bytes, size)))).toEqual(expected);
  });

  it("reads CRLF line endings", async () => {
    const bytes = encoder.encode(sse.replaceAll("\n", "\r\n"));
    expect(await readAll(upstreamEvents(chunked(bytes, 5)))).toEqual(expected);
  });

  it("ends when the stream closes, with no done event", async () => {
    expect(await readAll(upstreamEvents(chunked(encoder.encode(": heartbeat\n\n"), 4)))).toEqual([]);
  });
});

describe("supported media by file name", () => {
  it("knows videos, images and audio by extension, in any case", () => {
    expect(["clip.mp4", "CLIP.MOV", "a.avi", "b.webm", "c.mkv", "/path/to/video.MP4"].map(mediaKindOf)).toEqual(Array(6).fill("video"));
    expect(["p.jpg", "p.PNG", "p.gif", "p.webp"].map(mediaKindOf)).toEqual(Array(4).fill("image"));
    expect(["s.mp3", "s.wav", "s.m4a", "s.aac"].map(mediaKindOf)).toEqual(Array(4).fill("audio"));
  });

  it("refuses anything else", () => {
    for (const name of ["notes.txt", "movie.mp4.zip", "mp4", "clip.", "", "archive.tar.gz", "video.flv"])
      expect(mediaKindOf(name)).toBeUndefined();
  });
});

describe("checking a multipart upload as it streams", () => {
  const BOUNDARY = "----PromptReelBoundary7MA4YWxk";
  const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
  interface Part {
    field?: string;
    filename: string;
    content: string;
  }
  const multipart = (parts: Part[], { closed = true } = {}) =>
    encoder.encode(
      parts
        .map(
          ({ field = "files", filename, content }) =>
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
            `Content-Type: application/octet-stream\r\n\r\n${content}\r\n`,
        )
        .join("") + (closed ? `--${BOUNDARY}--\r\n` : ""),
    );
  const clip: Part = { filename: "clip.mp4", content: "MP4-BYTES-".repeat(20) };
  const song: Part = { filename: "song.mp3", content: "ID3-BYTES-".repeat(10) };
  const LIMIT = 1024;
  // The product's: these bodies never keep the reader waiting.
  const STALL_MS = 30_000;

  it("passes a valid body through byte for byte and names its files", async () => {
    const bytes = multipart([clip, song]);
    const inspected = await inspectMultipart(chunked(bytes, 13), CONTENT_TYPE, LIMIT, STALL_MS);
    const out = await readAll(inspected.body);
    const joined = new Uint8Array(out.reduce((n, chunk) => n + chunk.length, 0));
    out.reduce((offset, chunk) => (joined.set(chunk, offset), offset + chunk.length), 0);
    expect(joined).toEqual(bytes);
    expect(inspected.files).toEqual(["clip.mp4", "song.mp3"]);
    expect(inspected.failure()).toBeUndefined();
  });

  it("refuses a first file of the wrong type before returning anything, and stops reading the request", async () => {
    let cancelled = false;
    const bytes = multipart([{ filename: "notes.txt", content: "hello" }, clip]);
    const error = await appErrorOf(inspectMultipart(chunked(bytes, 16, () => (cancelled = true)), CONTENT_TYPE, LIMIT, STALL_MS));
    expect(error.code).toBe("unsupported_format");
    expect(error.message).toContain('"notes.txt"');
    expect(error.message).toContain(FORMATS_SENTENCE);
    expect(cancelled).toBe(true);
  });

  it("refuses files sent in a field other than `files`", async () => {
    const error = await appErrorOf(inspectMultipart(chunked(multipart([{ ...clip, field: "file" }]), 16), CONTENT_TYPE, LIMIT, STALL_MS));
    expect(error.code).toBe("invalid_request");
    expect(error.message).toContain("`files`");
  });

  /** Inspects `bytes` arriving in `size`-byte pieces and forwards the body as far as it goes. */
  async function forward(bytes: Uint8Array, size: number) {
    const inspected = await inspectMultipart(chunked(bytes, size), CONTENT_TYPE, LIMIT, STALL_MS);
    const sent: string[] = [];
    const outcome = inspected.body.pipeTo(new WritableStream({ write: (chunk) => void sent.push(decoder.decode(chunk)) }));
    return { inspected, outcome, sent: () => sent.join("") };
  }
  const secret = "PLAIN-TEXT-NEVER-SENT";
  const laterBadPart = multipart([clip, { filename: "notes.txt", content: secret }]);

  it("stops the stream at a later file of the wrong type, before its bytes go out, and says why", async () => {
    const { inspected, outcome, sent } = await forward(laterBadPart, 64);
    expect(inspected.files).toEqual(["clip.mp4"]);
    const error = await appErrorOf(outcome);
    expect(error.code).toBe("unsupported_format");
    expect(error.message).toContain('"notes.txt"');
    expect(inspected.failure()).toBe(error);
    expect(sent()).toContain("MP4-BYTES-");
    expect(sent()).not.toContain(secret);
  });

  it("keeps a later wrong file's bytes back even when the request arrives in pieces smaller than the boundary", async () => {
    const { inspected, outcome, sent } = await forward(laterBadPart, 16);
    expect((await appErrorOf(outcome)).code).toBe("unsupported_format");
    expect(inspected.failure()?.code).toBe("unsupported_format");
    expect(sent()).not.toContain(secret);
  });

  it("refuses a file over the size limit", async () => {
    const big: Part = { filename: "big.mp4", content: "x".repeat(LIMIT + 1) };
    const work = inspectMultipart(chunked(multipart([big]), 64), CONTENT_TYPE, LIMIT, STALL_MS).then((inspected) => readAll(inspected.body));
    const error = await appErrorOf(work);
    expect(error.code).toBe("file_too_large");
  });

  it("refuses a body that ends before its closing boundary", async () => {
    const bytes = multipart([clip, song], { closed: false });
    const truncated = bytes.subarray(0, bytes.length - 30);
    const inspected = await inspectMultipart(chunked(truncated, 16), CONTENT_TYPE, LIMIT, STALL_MS);
    const error = await appErrorOf(readAll(inspected.body));
    expect(error.code).toBe("invalid_request");
    expect(inspected.failure()).toBe(error);
  });

  it("refuses a body without any file", async () => {
    const empty = encoder.encode(`--${BOUNDARY}--\r\n`);
    const error = await appErrorOf(inspectMultipart(chunked(empty, 16), CONTENT_TYPE, LIMIT, STALL_MS));
    expect(error.code).toBe("invalid_request");
  });
});

describe("a video's choices in words", () => {
  it("an aspect ratio and a length follow the prompt, in the prompt's language; no choice leaves it as it is", () => {
    expect(promptWithChoices("a fox in the snow.", { aspectRatio: "9:16", lengthS: 10 })).toBe("a fox in the snow, 9:16 vertical, 10 seconds");
    expect(promptWithChoices("a lighthouse", { aspectRatio: "1:1" })).toBe("a lighthouse, 1:1 square");
    expect(promptWithChoices("a lighthouse", { lengthS: 5 }, "en-GB")).toBe("a lighthouse, 5 seconds");
    expect(promptWithChoices("雪地里奔跑的狐狸。", { aspectRatio: "16:9", lengthS: 15 }, "zh-CN")).toBe("雪地里奔跑的狐狸，16:9 横屏，15 秒");
    expect(promptWithChoices("a lighthouse.", {})).toBe("a lighthouse.");
  });
});
