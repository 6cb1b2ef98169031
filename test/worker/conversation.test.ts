import { describe, expect, it } from "vitest";
import { call, chat, emulator, newSession, parseSse, useEmulator } from "../helpers";

useEmulator();

const FOX = "a fox running through a snowy forest";

describe("what the page needs to show a conversation", () => {
  it("an activity says whether its tool makes a video, so that no page keeps its own copy of the tool names", async () => {
    const { key, sessionId } = await newSession("en");
    const made = await chat(key, sessionId, FOX);
    expect(made.events[0]).toMatchObject({ event: "activity", data: { label: "Generating video", makesVideo: true } });
    await emulator.grantCredits(1000);
    const edited = await chat(key, sessionId, "add some music");
    const activity = edited.events.find((event) => event.event === "activity")!;
    expect(activity.data).toMatchObject({ label: "Composing music", makesVideo: false });
  });

  it("a stopped reply stays marked stopped after a reload, and a running turn says when it started", async () => {
    const { key, sessionId } = await newSession("en");
    const before = Date.now();
    const stream = call(`/sessions/${sessionId}/messages`, { method: "POST", key, json: { text: FOX } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const running = (await call(`/sessions/${sessionId}/messages`, { key })).body;
    expect(running.running).toBe(true);
    expect(running.runningSince).toBeGreaterThanOrEqual(before);
    expect(running.runningSince).toBeLessThanOrEqual(Date.now());
    expect((await call(`/sessions/${sessionId}/turn/cancel`, { method: "POST", key })).status).toBe(202);
    expect(parseSse((await stream).text).events.at(-1)).toMatchObject({ data: { reason: "cancelled" } });
    const after = (await call(`/sessions/${sessionId}/messages`, { key })).body;
    expect(after.running).toBe(false);
    expect(after.runningSince).toBeUndefined();
    expect(after.messages[0]).toMatchObject({ role: "user", text: FOX, stopped: true });
    // A reply that ran to its end is not marked.
    await chat(key, sessionId, "what is in my timeline?");
    const later = (await call(`/sessions/${sessionId}/messages`, { key })).body.messages;
    expect(later.at(-1).stopped).toBeUndefined();
  });

  it("the list of conversations titles each by its first message", async () => {
    const { key, sessionId } = await newSession("en");
    await chat(key, sessionId, FOX);
    const second = (await call("/sessions", { method: "POST", key, json: {} })).body.sessionId;
    const { sessions } = (await call("/sessions", { key })).body;
    expect(sessions).toEqual([
      expect.not.objectContaining({ title: expect.anything() }),
      expect.objectContaining({ sessionId, title: FOX }),
    ]);
    expect(sessions[0].sessionId).toBe(second);
    await chat(key, second, `a lighthouse at dusk ${"with waves ".repeat(10)}`);
    const titled = (await call("/sessions", { key })).body.sessions[0].title;
    expect(titled.length).toBeLessThanOrEqual(60);
    expect(titled).toMatch(/^a lighthouse at dusk with waves .*…$/);
  });

  it("a generation asked from a conversation keeps its id, and is found again by it", async () => {
    const { key, sessionId } = await newSession("en");
    const started = await call("/generations", { method: "POST", key, json: { prompt: FOX, aspectRatio: "1:1", conversationId: sessionId } });
    expect(started.status).toBe(202);
    const read = await call(`/generations/${started.body.generationId}`, { key });
    expect(read.body).toMatchObject({ conversationId: sessionId, prompt: `${FOX}, 1:1 square` });
    expect(read.body.sessionId).not.toBe(sessionId);
    const { generations } = (await call("/generations", { key })).body;
    expect(generations[0].conversationId).toBe(sessionId);
    const refused = await call("/generations", { method: "POST", key, json: { prompt: FOX, conversationId: "nope" } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("invalid_request");
  });
});
