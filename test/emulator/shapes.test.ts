import { beforeEach, describe, expect, it } from "vitest";
import { ASPECT_RATIOS, LENGTHS_S, promptWithChoices } from "../../worker/generations/choices";
import {
  anonymousToken,
  ATTRIBUTION,
  authed,
  balance,
  configure,
  control,
  emu,
  eventsOf,
  eventually,
  json,
  newSession,
  reset,
  send,
  stateOf,
  textsOf,
  type Json,
} from "./helpers";
import { isFaststart, readMp4 } from "./mp4";

const FRAMES: Record<string, [number, number]> = { "16:9": [1280, 720], "9:16": [720, 1280], "1:1": [720, 720] };

/** What the words of a reply say was made: its seconds and its shape. */
function replySays(text: string): { seconds: number; shape: string } {
  const seconds = Number(/(\d+)(?:-second| seconds|秒)/.exec(text)?.[1]);
  const shape = /(16:9|9:16|1:1)/.exec(text)?.[1] ?? "none";
  return { seconds, shape };
}

let renders = 0;

/** Exports `draft` and answers the MP4's bytes and the completed poll answer (shape B: its `output.duration`). */
async function exported(token: string, sessionId: string, draft: Json) {
  const id = `render_shapes_${++renders}`;
  const started = await json(
    authed(token, "/api/render/proxy/lambda", {
      method: "POST",
      headers: ATTRIBUTION,
      body: { id, sessionId, draft, output: { format: "mp4", quality: "high" } },
    }),
  );
  expect(started).toMatchObject({ id, status: "pending" });
  const done = await eventually(async () => {
    const body = await json(authed(token, `/api/render/proxy/lambda/${id}`));
    return body.status === "completed" && body;
  });
  const file = await authed(token, `/api/render/proxy/${id}/download`);
  expect(file.headers.get("content-type")).toBe("video/mp4");
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { bytes, mp4: readMp4(bytes), done };
}

/** A session with credits for several turns. */
async function roomySession(language = "en") {
  const session = await newSession(language);
  await control("users/credits", { token: session.token, available: 10_000 });
  return session;
}

const lastText = async (response: Response) => textsOf(await eventsOf(response)).at(-1) ?? "";

beforeEach(async () => {
  await reset();
  // Shape B, so that a completed poll says the output's duration and size too.
  await configure({ timeScale: 0.0005, renderShape: "b", renderEnvelope: "bare", editText: "always" });
});

describe("the sample clips", () => {
  it("are nine real H.264 MP4s, moov first, in three shapes at 5, 10 and 15 s, as the draft of each asks", async () => {
    const { token, sessionId } = await roomySession();
    const seen = new Set<string>();
    for (const shape of ASPECT_RATIOS) {
      for (const lengthS of LENGTHS_S) {
        const [width, height] = FRAMES[shape];
        const draft = { t: [{ tt: 0, sg: [{ n: "x", s: 0, e: lengthS * 1000, v: 1 }] }], d: lengthS * 1000, m: { title: "X", width, height } };
        const { bytes, mp4, done } = await exported(token, sessionId, draft);
        expect(mp4).toEqual({ durationS: expect.closeTo(lengthS, 1), width, height });
        expect(isFaststart(bytes)).toBe(true);
        expect(new TextDecoder().decode(bytes)).toContain("avc1");
        expect(done.output).toEqual({ url: expect.any(String), duration: lengthS, size: bytes.byteLength });
        seen.add(String(bytes.byteLength));
      }
    }
    expect(seen.size).toBe(9);
  });

  it("play a draft of any other length or frame as the nearest clip (7.2 s 1920x1080 → 16:9 5 s; 13 s 1080x1350 → 1:1 15 s)", async () => {
    const { token, sessionId } = await roomySession();
    const draft = (d: number, width: number, height: number) => ({ t: [{ tt: 0, sg: [{ n: "x", s: 0, e: d }] }], d, m: { title: "X", width, height } });
    expect((await exported(token, sessionId, draft(7200, 1920, 1080))).mp4).toEqual({ durationS: expect.closeTo(5, 1), width: 1280, height: 720 });
    expect((await exported(token, sessionId, draft(13_000, 1080, 1350))).mp4).toEqual({ durationS: expect.closeTo(15, 1), width: 720, height: 720 });
  });
});

describe("an uploaded video's copy on the CDN stand-in", () => {
  it("is a sample clip of the frame its metadata names", async () => {
    const { token, sessionId } = await roomySession();
    const urls = ["a", "b", "c", "d", "e", "f"].map((name) => `https://example.com/${name}.mp4`);
    const answer = await json(authed(token, `/api/upload-video/nemo_agent/me/${sessionId}`, { method: "POST", body: { urls, source_type: "url" } }));
    const shapes = new Set<string>();
    for (const file of answer.data.files) {
      const copy = readMp4(new Uint8Array(await (await emu(new URL(file.cdn_url).pathname)).arrayBuffer()));
      expect(copy.width / copy.height, file.filename).toBeCloseTo(file.width / file.height, 1);
      shapes.add(`${file.width}x${file.height}`);
    }
    expect(shapes.size).toBeGreaterThan(1);
  });
});

describe("a generation's draft follows the words", () => {
  const cases: [string, string, string, number, string][] = [
    // language, prompt, shape, seconds, subject
    ["en", "generate a video of a fox in the snow", "16:9", 10, "a fox in the snow"],
    ["en", "a fox in the snow, 9:16 vertical, 10 seconds, in a watercolour style", "9:16", 10, "a fox in the snow"],
    ["en", "a lighthouse at dusk, 1:1 square", "1:1", 10, "a lighthouse at dusk"],
    ["en", "make a 5-second square video of a cat", "1:1", 5, "a cat"],
    ["en", "a city at night for my phone, 15s", "9:16", 15, "a city at night for my phone"],
    ["en", "a portrait of an old sailor in a town square, 5 seconds", "16:9", 5, "a portrait of an old sailor in a town square"],
    ["en", "a waterfall in portrait mode, 12 seconds", "9:16", 10, "a waterfall in portrait mode"],
    ["en", "a widescreen shot of a desert", "16:9", 10, "a widescreen shot of a desert"],
    ["en", "generate a video of a street in the 1990s", "16:9", 10, "a street in the 1990s"],
    ["zh-CN", "雪地里奔跑的狐狸，9:16 竖屏，15 秒", "9:16", 15, "雪地里奔跑的狐狸"],
    ["zh-CN", "生成一段竖屏的海上日落视频，5秒", "9:16", 5, "竖屏的海上日落视频，5秒"],
    ["zh-CN", "一只猫，1:1 方形，水彩风格", "1:1", 10, "一只猫"],
    ["zh-CN", "生成一段海上日落的视频", "16:9", 10, "一段海上日落的视频"],
  ];

  it.each(cases)("%s %j → %s, %i s; the reply, the generated clip and the export say and are the same", async (language, prompt, shape, seconds, subject) => {
    const { token, sessionId } = await roomySession(language);
    const reply = await lastText(await send(token, sessionId, prompt));
    const state = await stateOf(token, sessionId);
    const [width, height] = FRAMES[shape];
    expect(state.draft.d).toBe(seconds * 1000);
    expect(state.draft.m).toMatchObject({ width, height });
    expect(state.draft.t[0].sg[0]).toMatchObject({ s: 0, e: seconds * 1000 });
    if (language === "en") expect(state.draft.t[0].sg[0].n).toBe(subject);
    expect(state.canvas_config).toEqual({ width, height, fps: 24, aspect_ratio: shape });
    expect(state.generated_media[0]).toMatchObject({ duration: seconds, width, height });
    expect(state.video_infos[0]).toMatchObject({ duration: seconds, width, height });
    expect(replySays(reply)).toEqual({ seconds, shape });
    expect(reply).not.toMatch(/watercolou?r|水彩/);

    const generated = await emu(new URL(state.generated_media[0].url).pathname);
    expect(readMp4(new Uint8Array(await generated.arrayBuffer()))).toEqual({ durationS: expect.closeTo(seconds, 1), width, height });
    const { mp4, done } = await exported(token, sessionId, state.draft);
    expect(mp4).toEqual({ durationS: expect.closeTo(seconds, 1), width, height });
    expect(done.output.duration).toBe(seconds);
  });

  it("understands every choice PromptReel's shared module words, in English and Chinese", async () => {
    for (const language of ["en", "zh-CN"]) {
      for (const aspectRatio of ASPECT_RATIOS) {
        for (const lengthS of LENGTHS_S) {
          const { token, sessionId } = await roomySession(language);
          const prompt = promptWithChoices(language === "en" ? "a heron over a misty lake." : "薄雾湖面上的苍鹭。", { aspectRatio, lengthS, style: "cinematic" }, language);
          const reply = await lastText(await send(token, sessionId, prompt));
          const { draft } = await stateOf(token, sessionId);
          expect({ prompt, d: draft.d, width: draft.m.width, height: draft.m.height }).toEqual({
            prompt,
            d: lengthS * 1000,
            width: FRAMES[aspectRatio][0],
            height: FRAMES[aspectRatio][1],
          });
          expect(replySays(reply)).toEqual({ seconds: lengthS, shape: aspectRatio });
        }
      }
    }
  });

  it("says so when the words ask for a length no clip has, and makes the nearest", async () => {
    const { token, sessionId } = await roomySession();
    const reply = await lastText(await send(token, sessionId, "generate a 30-second video of a waterfall"));
    expect((await stateOf(token, sessionId)).draft.d).toBe(15_000);
    expect(reply).toMatch(/^Your 15-second clip "Waterfall" is ready \(you asked for 30 seconds; I make 5, 10, 15 seconds\): a 16:9 landscape draft of a waterfall,/);
  });
});

describe("an edit in words changes the draft, and the export follows", () => {
  it("make it 5 seconds, make it square, 改成竖屏15秒: the draft, the reply and the MP4 agree after each", async () => {
    const { token, sessionId } = await roomySession();
    await eventsOf(await send(token, sessionId, "generate a video of a fox in the snow"));
    const steps: [string, string, number, RegExp][] = [
      ["make it 5 seconds", "16:9", 5, /^The video is now 5 seconds, 16:9 landscape \(1280x720\)\.$/],
      ["make it square", "1:1", 5, /^The video is now 5 seconds, 1:1 square \(720x720\)\.$/],
      ["把它改成竖屏，15秒", "9:16", 15, /^The video is now 15 seconds, 9:16 vertical \(720x1280\)\.$/],
      ["make it shorter", "9:16", 10, /^I trimmed the video to 10 seconds\./],
      ["make it longer", "9:16", 15, /^The video now runs 15 seconds\.$/],
    ];
    for (const [message, shape, seconds, said] of steps) {
      const events = await eventsOf(await send(token, sessionId, message));
      const reply = textsOf(events).at(-1) ?? "";
      expect(reply, message).toMatch(said);
      const state = await stateOf(token, sessionId);
      const [width, height] = FRAMES[shape];
      expect({ message, d: state.draft.d, m: state.draft.m }).toMatchObject({ message, d: seconds * 1000, m: { width, height } });
      for (const track of state.draft.t) for (const segment of track.sg) expect(segment.e).toBeLessThanOrEqual(seconds * 1000);
      expect(state.canvas_config).toMatchObject({ width, height, aspect_ratio: shape });
      expect((await exported(token, sessionId, state.draft)).mp4).toEqual({ durationS: expect.closeTo(seconds, 1), width, height });
    }
  });

  it("never goes past the shortest or longest clip, and says so rather than pretending", async () => {
    const { token, sessionId } = await roomySession();
    await eventsOf(await send(token, sessionId, "generate a 5-second video of a fox in the snow"));
    const shorter = await lastText(await send(token, sessionId, "make it shorter"));
    expect(shorter).toBe("The video is already 5 seconds, 16:9 landscape (1280x720), so nothing changed. It can be 5, 10, 15 seconds long.");
    expect((await stateOf(token, sessionId)).draft.d).toBe(5000);
    const zh = await roomySession("zh-CN");
    await eventsOf(await send(zh.token, zh.sessionId, "生成一段15秒的海上日落视频"));
    expect(await lastText(await send(zh.token, zh.sessionId, "长一点"))).toBe("视频已经是15秒、16:9横屏（1280x720），没有改动。可选的时长是5、10、15秒。");
    expect((await stateOf(zh.token, zh.sessionId)).draft.d).toBe(15_000);
  });

  it("a caption's words are not a length: 'add a caption saying \"10 seconds left\"' adds text and keeps the length", async () => {
    const { token, sessionId } = await roomySession();
    await eventsOf(await send(token, sessionId, "generate a video of a fox in the snow"));
    await eventsOf(await send(token, sessionId, 'add a caption saying "10 seconds left"'));
    const { draft } = await stateOf(token, sessionId);
    expect(draft.d).toBe(10_000);
    expect(draft.t.at(-1).sg[0].n).toBe("10 seconds left");
  });
});

describe("credits of a new anonymous user", () => {
  it("are NemoVideo's 100 by default (the tests set no ANON_CREDITS), and what anonCredits says otherwise", async () => {
    const first = await json(emu("/api/auth/anonymous-token", { method: "POST", headers: { "X-Client-Id": crypto.randomUUID() } }));
    expect(first.data.credits).toBe(100);
    expect((await json(emu("/__emulator/config"))).anonCredits).toBe(100);
    await configure({ anonCredits: 1000 });
    const token = await anonymousToken();
    expect(await balance(token)).toEqual({ available: 1000, frozen: 0, total: 1000 });
  });

  it("with 1000 (npm start's grant), every step of the quick start works: generate, tweak in words, export, a second video", async () => {
    await configure({ anonCredits: 1000 });
    const token = await anonymousToken();
    const session = async () =>
      (await json(authed(token, "/api/tasks/me/with-session/nemo_agent", { method: "POST", body: { task_name: "project", language: "en" } }))).data.session_id;
    const sid = await session();
    expect(replySays(await lastText(await send(token, sid, "a fox running through a snowy forest")))).toEqual({ seconds: 10, shape: "16:9" });
    expect(await lastText(await send(token, sid, "make it 5 seconds, 9:16 vertical"))).toBe("The video is now 5 seconds, 9:16 vertical (720x1280).");
    const { mp4 } = await exported(token, sid, (await stateOf(token, sid)).draft);
    expect(mp4).toEqual({ durationS: expect.closeTo(5, 1), width: 720, height: 1280 });
    const second = await session();
    expect(replySays(await lastText(await send(token, second, "a lighthouse at dusk")))).toEqual({ seconds: 10, shape: "16:9" });
    expect(await balance(token)).toEqual({ available: 750, frozen: 0, total: 750 });
  });

  it("refuses an anonCredits that is not a whole number of credits", async () => {
    expect((await emu("/__emulator/config", { method: "POST", body: { anonCredits: -1 } })).status).toBe(400);
    expect((await emu("/__emulator/config", { method: "POST", body: { anonCredits: 1.5 } })).status).toBe(400);
  });
});
