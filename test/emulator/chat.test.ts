import { beforeEach, describe, expect, it } from "vitest";
import {
  arm,
  authed,
  balance,
  configure,
  control,
  eventsOf,
  eventually,
  framesOf,
  json,
  newSession,
  parseFrames,
  reset,
  send,
  stateOf,
  textsOf,
  type Json,
} from "./helpers";

const PROMPT = "generate a 5-second video clip of a sunset over the ocean with calm waves";

/** Reads a stream up to the end of its first frame; `rest()` reads the remaining frames. */
async function firstFrame(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  const rest = async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true });
    }
    return parseFrames(text).slice(1);
  };
  return { frame: parseFrames(text)[0], reader, rest };
}

const functionCalls = (events: Json[]) =>
  events.flatMap((event) => (event.content?.parts ?? []).flatMap((part: Json) => part.functionCall ?? []));
const functionResponses = (events: Json[]) => events.filter((event) => event.content?.parts?.[0]?.functionResponse);

/** A session whose draft exists, with credits for several edits. */
async function generated() {
  const session = await newSession();
  await control("users/credits", { token: session.token, available: 1000 });
  await eventsOf(await send(session.token, session.sessionId, PROMPT));
  return session;
}

beforeEach(async () => {
  await reset();
  await configure({ timeScale: 0.001 });
});

describe("a generation turn", () => {
  it("freezes 100 credits, spends them at the end, and leaves a draft with video, BGM and title", async () => {
    const { token, sessionId } = await newSession();
    const response = await send(token, sessionId, PROMPT);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const first = await firstFrame(response);
    const frame = first.frame;
    expect(frame.event.content.parts[0].functionCall.name).toBe("generate_video_with_seedance");
    expect(await balance(token)).toEqual({ available: 0, frozen: 100, total: 100 });

    const rest = await first.rest();
    expect(rest.some((f) => f.comment === "heartbeat")).toBe(true);
    const events = rest.flatMap((f) => (f.event ? [f.event] : []));
    const result = functionResponses(events)[0];
    expect(result.actions.stateDelta.draft.t).toHaveLength(3);
    for (const event of [frame.event, ...events]) {
      expect(event).toMatchObject({ author: "nemo_agent", id: expect.any(String), timestamp: expect.any(Number) });
      expect(event.invocationId).toBe(frame.event.invocationId);
    }
    expect(textsOf(events).at(-1)).toMatch(/Click the Export button to download it\.$/);

    expect(await balance(token)).toEqual({ available: 0, frozen: 0, total: 0 });
    const state = await stateOf(token, sessionId);
    expect(state.draft.t.map((track: Json) => track.tt)).toEqual([0, 1, 7]);
    expect(state.draft.d).toBe(5000);
    expect(state.draft.m).toEqual({ title: "Sunset Ocean", width: 1280, height: 720 });
    expect(state.draft.t[1].sg[0]).toMatchObject({ v: 0.35, s: 0, e: 5000 });
    expect(state.draft.t[2].sg[0].n).toBe("Sunset Ocean");
    expect(state.generated_media).toHaveLength(1);
    expect(state.video_infos[0]).toMatchObject({ file_type: "video", width: 1280, height: 720 });
  });

  it("goes on and settles after the client cancels the stream", async () => {
    const { token, sessionId } = await newSession();
    const { reader } = await firstFrame(await send(token, sessionId, PROMPT));
    await reader.cancel();
    expect((await balance(token)).frozen).toBe(100);
    await eventually(async () => (await stateOf(token, sessionId)).draft);
    expect(await balance(token)).toEqual({ available: 0, frozen: 0, total: 0 });
  });

  it("serves the generated clip on the CDN stand-in", async () => {
    const { token, sessionId } = await generated();
    const { url } = (await stateOf(token, sessionId)).generated_media[0];
    expect(url).toMatch(/^http:\/\/nemo\.emulator\/render-result\/gen_\w+\.mp4$/);
    const clip = await authed(token, new URL(url).pathname);
    expect(clip.headers.get("content-type")).toBe("video/mp4");
  });

  it("refuses a second message while a turn runs with 409", async () => {
    const { token, sessionId } = await newSession();
    const running = await send(token, sessionId, PROMPT);
    const second = await send(token, sessionId, "hello?");
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({ code: 409, message: "another message is still being processed" });
    await running.body!.cancel();
  });

  it("answers in Chinese for a zh session, with the GUI wording to translate", async () => {
    const { token, sessionId } = await newSession("zh-CN");
    const texts = textsOf(await eventsOf(await send(token, sessionId, "生成一段海上日落的视频")));
    expect(texts.at(-1)).toMatch(/点击导出按钮即可下载。$/);
  });
});

describe("edit and text turns", () => {
  it("changes the draft visibly and sends no text on every third edit", async () => {
    const { token, sessionId } = await generated();
    const before = await balance(token);
    const { draft } = await stateOf(token, sessionId);
    const music = await eventsOf(await send(token, sessionId, "change the music"));
    expect(functionCalls(music)[0].name).toBe("generate_music");
    expect(textsOf(music)[0]).toMatch(/background music/);
    const afterMusic = await stateOf(token, sessionId);
    expect(afterMusic.draft.t[1].sg[0].n).not.toBe(draft.t[1].sg[0].n);

    const title = await eventsOf(await send(token, sessionId, 'change the title to "Ocean Calm"'));
    expect(functionCalls(title)[0].name).toBe("edit_multitrack");
    expect((await stateOf(token, sessionId)).draft.m.title).toBe("Ocean Calm");

    // Lengths go from one sample clip's to the next: 5 → 10 s.
    const longer = await eventsOf(await send(token, sessionId, "make it longer"));
    expect(functionCalls(longer)).toHaveLength(1);
    expect(textsOf(longer)).toEqual([]);
    expect((await stateOf(token, sessionId)).draft.d).toBe(10_000);
    expect((await balance(token)).available).toBe(before.available - 150);
  });

  it("always or never sends edit text as editText says", async () => {
    const { token, sessionId } = await generated();
    await configure({ editText: "never" });
    expect(textsOf(await eventsOf(await send(token, sessionId, "make the music louder")))).toEqual([]);
    await configure({ editText: "always" });
    for (const message of ["make it longer", "add a caption saying hello", "remove the title"]) {
      expect(textsOf(await eventsOf(await send(token, sessionId, message)))).toHaveLength(1);
    }
    const { draft } = await stateOf(token, sessionId);
    expect(draft.t[1].sg[0].v).toBe(0.55);
    expect(draft.t.filter((track: Json) => track.tt === 7).map((track: Json) => track.sg[0].n)).toEqual(["hello"]);
  });

  it("answers a plain question with text only, for free", async () => {
    const { token, sessionId } = await newSession();
    const events = await eventsOf(await send(token, sessionId, "what can you do?"));
    expect(functionCalls(events)).toEqual([]);
    expect(textsOf(events)).toHaveLength(1);
    expect(await balance(token)).toEqual({ available: 100, frozen: 0, total: 100 });
    expect((await stateOf(token, sessionId)).draft).toBeNull();
  });

  it("shows the segment keys draftKeys names", async () => {
    const { token, sessionId } = await generated();
    const segment = async (draftKeys: string) => {
      await configure({ draftKeys });
      return (await stateOf(token, sessionId)).draft.t[1].sg[0];
    };
    expect(await segment("long")).toEqual({ name: expect.any(String), start: 0, end: 5000, volume: 0.35 });
    expect(await segment("in-out")).toEqual({ name: expect.any(String), in: 0, out: 5000, volume: 0.35 });
    expect(await segment("from-to")).toEqual({ label: expect.any(String), from: 0, to: 5000, volume: 0.35 });
  });

  it("adds a sticker track (type 3) to generations with otherTracks", async () => {
    await configure({ otherTracks: true });
    const { token, sessionId } = await generated();
    const { draft } = await stateOf(token, sessionId);
    expect(draft.t.map((track: Json) => track.tt)).toEqual([0, 1, 7, 3]);
  });
});

describe("refusals", () => {
  it("answers 1002 for an unknown session and 400 for a malformed request", async () => {
    const { token } = await newSession();
    const unknown = await send(token, "1234567890123456789", PROMPT);
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).code).toBe(1002);
    expect((await authed(token, "/run_sse", { method: "POST", body: { nope: 1 } })).status).toBe(400);
  });

  it("answers 2001 in an envelope when credits are short", async () => {
    const { token, sessionId } = await newSession();
    await control("users/credits", { token, available: 99 });
    const response = await send(token, sessionId, PROMPT);
    expect(response.status).toBe(402);
    expect(await response.json()).toEqual({ code: 2001, message: "insufficient credits" });
  });

  it("sends 2001 as an error event with creditsErrorForm event", async () => {
    const { token, sessionId } = await newSession();
    await arm("no-credits", { params: { available: 10 } });
    await configure({ creditsErrorForm: "event" });
    const events = await eventsOf(await send(token, sessionId, PROMPT));
    expect(events).toEqual([expect.objectContaining({ errorCode: "2001", errorMessage: "insufficient credits" })]);
    await configure({ eventFamily: "type" });
    expect(await eventsOf(await send(token, sessionId, PROMPT))).toEqual([
      { error: "insufficient credits", code: 2001 },
    ]);
    expect(await balance(token)).toEqual({ available: 10, frozen: 0, total: 10 });
  });
});

describe("stream variants", () => {
  it("speaks the type family with JSON heartbeats", async () => {
    await configure({ eventFamily: "type", heartbeatForm: "json" });
    const { token, sessionId } = await newSession();
    const events = await eventsOf(await send(token, sessionId, PROMPT));
    expect(events[0]).toEqual({ type: "tool_call", name: "generate_video_with_seedance", args: expect.any(Object) });
    expect(events).toContainEqual({ type: "heartbeat" });
    expect(events.at(-2)).toEqual({ type: "tool_result", name: "generate_video_with_seedance", result: { status: "success" } });
    expect(events.at(-1)).toEqual({ type: "text", content: expect.stringMatching(/Export button/) });
  });

  it("sends heartbeats as empty data lines, {\"type\":\"heartbeat\"} among ADK events, or ADK events without content", async () => {
    const { token, sessionId } = await generated();
    await configure({ heartbeatForm: "empty-data", heartbeatMs: 3000 });
    const frames = await framesOf(await send(token, sessionId, "make the video longer please"));
    expect(frames.some((frame) => frame.raw === "data: ")).toBe(true);
    await configure({ heartbeatForm: "json" });
    const typed = await eventsOf(await send(token, sessionId, "make it longer"));
    expect(typed[0].content.parts[0].functionCall).toBeDefined();
    expect(typed).toContainEqual({ type: "heartbeat" });
    await configure({ heartbeatForm: "adk-empty" });
    const events = await eventsOf(await send(token, sessionId, "make it a bit longer"));
    const heartbeats = events.filter((event) => !event.content);
    expect(heartbeats.length).toBeGreaterThan(0);
    expect(heartbeats[0]).toMatchObject({ author: "nemo_agent", actions: { stateDelta: {} } });
  });

  it("streams partial text chunks, then the whole text once", async () => {
    await configure({ partialText: true });
    const { token, sessionId } = await newSession();
    const events = (await eventsOf(await send(token, sessionId, PROMPT))).filter((e) => e.content?.parts?.[0]?.text);
    const partials = events.filter((event) => event.partial === true);
    expect(partials.length).toBeGreaterThan(1);
    const final = events.at(-1);
    expect(final.partial).toBeUndefined();
    expect(partials.map((event) => event.content.parts[0].text).join("")).toBe(final.content.parts[0].text);
  });

  it("cuts partial chunks inside the GUI phrases and the notice with partialCut inside-phrases", async () => {
    await configure({ partialText: true, partialCut: "inside-phrases", trailingTemporaryIssue: true });
    const { token, sessionId } = await newSession();
    const events = (await eventsOf(await send(token, sessionId, PROMPT))).filter((e) => e.content?.parts?.[0]?.text);
    const partials = events.filter((event) => event.partial).map((event) => event.content.parts[0].text);
    expect(partials.some((chunk) => chunk.endsWith("Exp"))).toBe(true);
    expect(partials.some((chunk) => chunk.endsWith("tempo"))).toBe(true);
    const finals = events.filter((event) => !event.partial).map((event) => event.content.parts[0].text);
    expect(finals).toEqual([expect.stringMatching(/Click the Export button/), "I encountered a temporary issue. Please try again."]);
    expect(partials.join("")).toBe(finals.join(""));
  });

  it("sends the temporary-issue notice after a silent edit too", async () => {
    const { token, sessionId } = await generated();
    await configure({ editText: "never", trailingTemporaryIssue: true });
    const events = await eventsOf(await send(token, sessionId, "make the music louder"));
    expect(functionResponses(events)).toHaveLength(1);
    expect(textsOf(events)).toEqual(["I encountered a temporary issue. Please try again."]);
  });

  it("adds a trailing temporary-issue text with trailingTemporaryIssue", async () => {
    await configure({ trailingTemporaryIssue: true });
    const { token, sessionId } = await newSession();
    const texts = textsOf(await eventsOf(await send(token, sessionId, PROMPT)));
    expect(texts).toHaveLength(2);
    expect(texts[1]).toBe("I encountered a temporary issue. Please try again.");
  });
});

describe("stream faults", () => {
  it("cuts the stream after the first event while the turn goes on (cut-stream)", async () => {
    const { token, sessionId } = await newSession();
    await arm("cut-stream", { match: { path: "/run_sse" } });
    const events = await eventsOf(await send(token, sessionId, PROMPT));
    expect(events).toHaveLength(1);
    expect(functionCalls(events)).toHaveLength(1);
    await eventually(async () => (await stateOf(token, sessionId)).draft);
    expect((await balance(token)).available).toBe(0);
  });

  it("ends with an error event and refunds the turn (stream-error, both forms)", async () => {
    const { token, sessionId } = await newSession();
    await arm("stream-error");
    const plain = await eventsOf(await send(token, sessionId, PROMPT));
    expect(plain).toHaveLength(2);
    expect(plain[1]).toEqual({ error: "The agent failed to respond.", code: "INTERNAL" });
    await arm("stream-error", { params: { form: "errorCode", code: "500", message: "boom" } });
    const coded = await eventsOf(await send(token, sessionId, PROMPT));
    expect(coded[1]).toMatchObject({ errorCode: "500", errorMessage: "boom", author: "nemo_agent" });
    expect(await balance(token)).toEqual({ available: 100, frozen: 0, total: 100 });
    expect((await stateOf(token, sessionId)).draft).toBeNull();
  });

  it("answers the run with 1001 once the token expired", async () => {
    const { token, sessionId } = await newSession();
    await arm("expire-token", { match: { path: "/run_sse" } });
    expect((await json(send(token, sessionId, PROMPT))).code).toBe(1001);
  });
});
