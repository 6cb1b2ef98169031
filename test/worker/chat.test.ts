import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { BASE, call, chat, emulator, newSession, parseSse, useEmulator } from "../helpers";

useEmulator();

const runSseCalls = async () => (await emulator.requests()).filter((r) => r.path === "/run_sse");
const names = (events: { event?: string }[]) => events.map((e) => e.event);
const textOf = (events: { event?: string; data: any }[]) =>
  events.filter((e) => e.event === "text").map((e) => e.data.text).join("");
/** A generation's reply, GUI wording translated ("Preview it in the timeline. Click the Export button…"). */
const REPLY_EN = /^Your \d+(\.\d)?-second clip ".+" is ready: .+ See it in the timeline\. Exporting it now…$/;

describe("a chat turn, as the person sees it", () => {
  it("a generation streams activity, translated text, the export action, the timeline, then done", async () => {
    const { key, sessionId } = await newSession("en");
    const turn = await chat(key, sessionId, "a fox running through a snowy forest");
    expect(turn.status).toBe(200);
    expect(turn.headers.get("Content-Type")).toContain("text/event-stream");
    expect(turn.events[0]).toMatchObject({ event: "activity", data: { tool: "generate_video_with_seedance", label: "Generating video" } });
    const text = textOf(turn.events);
    expect(text.length).toBeGreaterThan(10);
    expect(text).not.toMatch(/click/i);
    expect(turn.events).toContainEqual(expect.objectContaining({ event: "action", data: { action: "export" } }));
    const timeline = turn.events.find((e) => e.event === "timeline")!;
    expect(timeline.data.summary).toMatch(/^Timeline \(3 tracks\): 1\. Video: .* 2\. BGM: .* 3\. Title: /);
    expect(timeline.data.changed.length).toBeGreaterThan(0);
    expect(turn.events.at(-1)).toEqual(expect.objectContaining({ event: "done", data: { reason: "complete" } }));
    const ids = turn.events.map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect((await call("/credits", { key })).body).toMatchObject({ available: 0, frozen: 0 });
  });

  it("a Chinese session gets Chinese labels, translated GUI wording and a Chinese summary", async () => {
    const { key, sessionId } = await newSession("zh-CN");
    const turn = await chat(key, sessionId, "生成一段狐狸在雪林中奔跑的视频");
    expect(turn.events[0].data.label).toBe("正在生成视频");
    const text = textOf(turn.events);
    expect(text).toMatch(/[\u4e00-\u9fff]/);
    expect(text).not.toMatch(/点击导出/);
    expect(turn.events.find((e) => e.event === "timeline")!.data.summary).toMatch(/^时间线（3 条轨道）/);
  });

  it("an edit that ends with no text is followed by a timeline event saying what changed", async () => {
    const { key, sessionId } = await newSession("en");
    await chat(key, sessionId, "generate a video of a sunset over the ocean");
    await emulator.grantCredits(500);
    await emulator.configure({ editText: "never" });
    const turn = await chat(key, sessionId, "make the music louder");
    expect(names(turn.events)).not.toContain("text");
    const timeline = turn.events.find((e) => e.event === "timeline")!;
    expect(timeline.data.changed.length).toBeGreaterThan(0);
    expect(turn.events.at(-1)!.data.reason).toBe("complete");
  });

  it("partial text chunks stream as they come, translated, and the final repeat is not shown twice", async () => {
    await emulator.configure({ partialText: true });
    const { key, sessionId } = await newSession("en");
    const turn = await chat(key, sessionId, "generate a video of a lighthouse at night");
    expect(turn.events.filter((e) => e.event === "text").length).toBeGreaterThan(1);
    expect(textOf(turn.events)).toMatch(REPLY_EN);
    expect(turn.events.filter((e) => e.event === "action").map((e) => e.data.action)).toEqual(["state", "export"]);
  });

  it("a GUI phrase or the notice cut between two chunks is still translated or dropped: the person reads the whole reply in our words", async () => {
    await emulator.configure({ partialText: true, partialCut: "inside-phrases", trailingTemporaryIssue: true });
    const { key, sessionId } = await newSession("en");
    const turn = await chat(key, sessionId, "generate a video of a lighthouse at night");
    expect(turn.events.filter((e) => e.event === "text").length).toBeGreaterThan(1);
    const text = textOf(turn.events);
    expect(text).toMatch(REPLY_EN);
    expect(text).not.toMatch(/click|button|preview|tempo|try again/i);
    expect(turn.events.filter((e) => e.event === "action").map((e) => e.data.action)).toEqual(["state", "export"]);
    expect(names(turn.events)).not.toContain("error");
    expect(turn.events.at(-1)!.data.reason).toBe("complete");
  });

  it("the same in Chinese: 点击导出 cut in two still becomes 正在导出…", async () => {
    await emulator.configure({ partialText: true, partialCut: "inside-phrases" });
    const { key, sessionId } = await newSession("zh-CN");
    const turn = await chat(key, sessionId, "生成一段灯塔夜景的视频");
    const text = textOf(turn.events);
    expect(text).toMatch(/可以在时间线中查看。正在导出…$/);
    expect(text).not.toMatch(/点击|预览|按钮/);
  });

  it("an edit with no text and then the 'temporary issue' notice is a success: no error, the timeline says what changed", async () => {
    const { key, sessionId } = await newSession("en");
    await chat(key, sessionId, "generate a video of a sunset over the ocean");
    await emulator.grantCredits(500);
    await emulator.configure({ editText: "never", trailingTemporaryIssue: true });
    const turn = await chat(key, sessionId, "make the music louder");
    expect(names(turn.events).filter((name) => name !== "working")).toEqual(["activity", "timeline", "done"]);
    expect(turn.events[1].data.changed).toEqual([expect.stringMatching(/^BGM volume \d+% → \d+%$/)]);
    expect(turn.events.at(-1)!.data.reason).toBe("complete");
  });

  it("the trailing 'temporary issue' line is dropped when the reply before it was fine", async () => {
    await emulator.configure({ trailingTemporaryIssue: true });
    const { key, sessionId } = await newSession("en");
    const turn = await chat(key, sessionId, "generate a video of a city at dawn");
    expect(textOf(turn.events)).not.toMatch(/temporary issue/i);
    expect(names(turn.events)).not.toContain("error");
    expect(turn.events.at(-1)!.data.reason).toBe("complete");
  });

  it("the {type:…} event family reads the same as ADK events", async () => {
    await emulator.configure({ eventFamily: "type" });
    const { key, sessionId } = await newSession("en");
    const turn = await chat(key, sessionId, "generate a video of a waterfall");
    expect(turn.events[0]).toMatchObject({ event: "activity", data: { label: "Generating video" } });
    expect(textOf(turn.events).length).toBeGreaterThan(10);
    expect(turn.events.find((e) => e.event === "timeline")!.data.summary).toMatch(/3 tracks/);
  });

  for (const heartbeatForm of ["comment", "empty-data", "json", "adk-empty"] as const) {
    it(`heartbeats (${heartbeatForm}) are never shown nor taken for news: the reply reads as without them, and silence still brings 'Still working…'`, async () => {
      const quiet = await newSession("en");
      const without = await chat(quiet.key, quiet.sessionId, "generate a video of a mountain lake");
      await emulator.configure({ heartbeatForm, heartbeatMs: 2_000 });
      const { key, sessionId } = await newSession("en");
      const turn = await chat(key, sessionId, "generate a video of a mountain lake");
      expect(textOf(turn.events)).toBe(textOf(without.events));
      expect(names(turn.events).filter((name) => name !== "working")).toEqual(names(without.events).filter((name) => name !== "working"));
      const working = turn.events.filter((e) => e.event === "working");
      expect(working.length).toBeGreaterThan(0);
      expect(working[0].data.message).toBe("Still working…");
      expect(working[0].data.elapsedMs).toBeGreaterThan(100);
      expect(turn.comments).toContain("keep-alive");
      expect(turn.events.at(-1)!.data.reason).toBe("complete");
    });
  }
});

describe("when something goes wrong in a turn", () => {
  it("a stream cut mid-turn says so in words, shows the timeline, and never re-sends the message", async () => {
    const { key, sessionId } = await newSession("en");
    await emulator.fault("cut-stream", { params: { afterEvents: 1 } });
    const turn = await chat(key, sessionId, "generate a video of a desert road");
    const error = turn.events.find((e) => e.event === "error")!;
    expect(error.data.message).toMatch(/connection to NemoVideo dropped/);
    expect(names(turn.events)).toContain("timeline");
    expect(turn.events.at(-1)!.data.reason).toBe("interrupted");
    expect(await runSseCalls()).toHaveLength(1);
  });

  for (const form of ["error", "errorCode"] as const) {
    it(`an error event in the stream (${form} form) ends the turn with a sentence, not raw upstream text`, async () => {
      const { key, sessionId } = await newSession("en");
      await emulator.fault("stream-error", { params: { form } });
      const turn = await chat(key, sessionId, "generate a video of a rainy street");
      const error = turn.events.find((e) => e.event === "error")!;
      expect(error.data.code).toMatch(/upstream_error|no_credits/);
      expect(error.data.message.length).toBeGreaterThan(20);
      expect(turn.events.at(-1)!.data.reason).toBe("error");
      expect(await runSseCalls()).toHaveLength(1);
    });
  }

  for (const creditsErrorForm of ["envelope", "event"] as const) {
    it(`out of credits (${creditsErrorForm}) offers the registration link bound to the anonymous user`, async () => {
      await emulator.configure({ creditsErrorForm });
      const { key, sessionId } = await newSession("en");
      await emulator.fault("no-credits", { params: { available: 0 } });
      const turn = await chat(key, sessionId, "generate a video of a forest");
      const error = turn.events.find((e) => e.event === "error")!;
      expect(error.data.code).toBe("no_credits");
      expect(error.data.message).toMatch(/credits/);
      expect(error.data.link).toMatch(/^https:\/\/nemovideo\.com\/register\?bind=anon_/);
      expect(turn.events.at(-1)!.data.reason).toBe("error");
    });
  }

  it("without an account id from NemoVideo, the registration link is offered unbound", async () => {
    await emulator.configure({ omitOptionalFields: true });
    const { key, sessionId } = await newSession("en");
    await emulator.fault("no-credits", { params: { available: 0 } });
    const turn = await chat(key, sessionId, "generate a video of a forest");
    expect(turn.events.find((e) => e.event === "error")!.data.link).toBe("https://nemovideo.com/register");
  });

  it("a slow NemoVideo still gets the reply through, with keep-alives while it thinks", async () => {
    const { key, sessionId } = await newSession("en");
    await emulator.fault("slow", { match: { path: "/run_sse" }, params: { ms: 300 } });
    const turn = await chat(key, sessionId, "generate a video of a slow river");
    expect(turn.events.at(-1)!.data.reason).toBe("complete");
    expect(turn.text.indexOf(": keep-alive")).toBeGreaterThanOrEqual(0);
    expect(turn.text.indexOf(": keep-alive")).toBeLessThan(turn.text.indexOf("event:"));
  });

  it("an expired token is renewed for the same client id and the turn goes through", async () => {
    const { visitorId, key, sessionId } = await newSession("en");
    await emulator.fault("expire-token", { match: { path: "/run_sse" } });
    const turn = await chat(key, sessionId, "generate a video of a harbour");
    expect(names(turn.events)).not.toContain("error");
    expect(turn.events.at(-1)!.data.reason).toBe("complete");
    const tokenRequests = (await emulator.requests()).filter((r) => r.path === "/api/auth/anonymous-token");
    expect(tokenRequests).toHaveLength(2);
    expect(tokenRequests.every((r) => r.headers["x-client-id"] === visitorId)).toBe(true);
  });

  it("a lost session gets a fresh one under the same id, and the person is told the old timeline is gone", async () => {
    const { key, sessionId } = await newSession("en");
    await emulator.fault("lose-session");
    const turn = await chat(key, sessionId, "generate a video of a bridge");
    const error = turn.events.find((e) => e.event === "error")!;
    expect(error.data.code).toBe("session_lost");
    expect(error.data.message).toMatch(/timeline is gone/);
    const next = await chat(key, sessionId, "generate a video of a bridge");
    expect(next.events.at(-1)!.data.reason).toBe("complete");
    const creates = (await emulator.requests()).filter((r) => r.path.startsWith("/api/tasks/me/with-session"));
    expect(creates).toHaveLength(2);
  });

  it("a 429 is retried once after the pause, and the message is still sent only once more", async () => {
    const { key, sessionId } = await newSession("en");
    await emulator.fault("rate-limit", { match: { path: "/run_sse" } });
    const turn = await chat(key, sessionId, "generate a video of a meadow");
    expect(turn.events.at(-1)!.data.reason).toBe("complete");
    const calls = await runSseCalls();
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    // The pause before the retry is filled with keep-alive comments, so no proxy closes the stream.
    const firstKeepAlive = turn.text.indexOf(": keep-alive");
    expect(firstKeepAlive).toBeGreaterThanOrEqual(0);
    expect(firstKeepAlive).toBeLessThan(turn.text.indexOf("event:"));
  });

  it("a 5xx on the message is reported, never retried: NemoVideo may have taken it", async () => {
    const { key, sessionId } = await newSession("en");
    await emulator.fault("server-error", { match: { path: "/run_sse" }, params: { status: 503 } });
    const turn = await chat(key, sessionId, "generate a video of a canyon");
    expect(turn.events.find((e) => e.event === "error")!.data.code).toBe("upstream_unavailable");
    expect(await runSseCalls()).toHaveLength(1);
  });

  it("a second message while a turn runs answers 409 in words and reaches nobody upstream", async () => {
    const { key, sessionId } = await newSession("en");
    const first = chat(key, sessionId, "generate a video of a glacier");
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = await call(`/sessions/${sessionId}/messages`, { method: "POST", key, json: { text: "and add music" } });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("turn_running");
    expect(second.body.error.message).toMatch(/still being written/);
    expect((await first).events.at(-1)!.data.reason).toBe("complete");
    expect(await runSseCalls()).toHaveLength(1);
    await emulator.grantCredits(500);
    const third = await chat(key, sessionId, "add a title saying Hello Glacier");
    expect(third.events.find((e) => e.event === "timeline")!.data.changed).toContain("Added Title: Hello Glacier");
    expect(third.events.at(-1)!.data.reason).toBe("complete");
  });

  it("after a reload mid-turn, a new message is refused in words while NemoVideo still works on the last one", async () => {
    const { key, sessionId } = await newSession("en");
    const response = await exports.default.fetch(
      new Request(`${BASE}/sessions/${sessionId}/messages`, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: JSON.stringify({ text: "generate a video of a lighthouse" }),
      }),
    );
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await call(`/sessions/${sessionId}/messages`, { method: "POST", key, json: { text: "add music" } });
    const refusal = next.status === 409 ? next.body.error : parseSse(next.text).events.find((e) => e.event === "error")?.data;
    expect(refusal.code).toBe("turn_running");
    expect(refusal.message).toMatch(/still/);
    expect((await runSseCalls()).filter((r) => r.status === 200)).toHaveLength(1);
  });

  it("credits are frozen while a generation runs and spent when it ends", async () => {
    const { key, sessionId } = await newSession("en");
    const turn = chat(key, sessionId, "generate a video of a volcano");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await call("/credits", { key })).body).toEqual({ available: 0, frozen: 100, total: 100 });
    await turn;
    expect((await call("/credits", { key })).body).toEqual({ available: 0, frozen: 0, total: 0 });
  });

  it("a turn that runs past the cap is given up with a clear word", async () => {
    await emulator.configure({ timeScale: 0.05 });
    const { key, sessionId } = await newSession("en");
    const turn = await chat(key, sessionId, "generate a video of the northern lights");
    const error = turn.events.find((e) => e.event === "error")!;
    expect(error.data.code).toBe("upstream_timeout");
    expect(turn.events.at(-1)!.data.reason).toBe("timeout");
  });
});

describe("bad messages are refused at the edge", () => {
  it("empty, too long, malformed or non-JSON messages answer 400/415 and nothing reaches NemoVideo", async () => {
    const { key, sessionId } = await newSession("en");
    const path = `/sessions/${sessionId}/messages`;
    const empty = await call(path, { method: "POST", key, json: { text: "   " } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/write a message/);
    const long = await call(path, { method: "POST", key, json: { text: "x".repeat(4001) } });
    expect(long.status).toBe(400);
    const malformed = await call(path, { method: "POST", key, body: "{", headers: { "Content-Type": "application/json" } });
    expect(malformed.status).toBe(400);
    const plain = await call(path, { method: "POST", key, body: "hello", headers: { "Content-Type": "text/plain" } });
    expect([400, 415]).toContain(plain.status);
    expect(plain.body.error.code).toMatch(/invalid_request|unsupported_format/);
    const badId = await call("/sessions/not-a-uuid/messages", { method: "POST", key, json: { text: "hi" } });
    expect(badId.status).toBe(400);
    expect(await runSseCalls()).toHaveLength(0);
  });
});
