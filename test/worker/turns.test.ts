import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { createParser } from "eventsource-parser";
import { BASE, call, chat, emulator, newSession, parseSse, restartVisitor, type SseEvent, useEmulator, visitorStub } from "../helpers";

useEmulator();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const runSseCalls = async () => (await emulator.requests()).filter((r) => r.path === "/run_sse");

/** Sends a message and reads its event stream one event at a time; `leave()` drops the connection (a reload). */
async function send(key: string, sessionId: string, text: string) {
  const response = await exports.default.fetch(`${BASE}/sessions/${sessionId}/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ text }),
  });
  expect(response.status).toBe(200);
  const queue: SseEvent[] = [];
  const parser = createParser({ onEvent: (m) => queue.push({ id: m.id, event: m.event, data: JSON.parse(m.data) }) });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  return {
    async next(): Promise<SseEvent | undefined> {
      while (queue.length === 0) {
        const { value, done } = await reader.read();
        if (done) return undefined;
        parser.feed(decoder.decode(value, { stream: true }));
      }
      return queue.shift();
    },
    leave: () => reader.cancel(),
  };
}

/** Sends a message and reads only its first `count` events, then drops the connection (a reload). */
async function sendAndLeave(key: string, sessionId: string, text: string, count: number) {
  const stream = await send(key, sessionId, text);
  const events: SseEvent[] = [];
  for (let event; events.length < count && (event = await stream.next()); ) events.push(event);
  await stream.leave();
  return events;
}

/** The ids of the events the visitor's Durable Object has written for its turns so far. */
async function writtenIds(visitorId: string): Promise<number[]> {
  return runInDurableObject(visitorStub(visitorId), (_instance, state) =>
    state.storage.sql
      .exec("SELECT events FROM turn_batches ORDER BY last_id")
      .toArray()
      .flatMap((row) => JSON.parse(String(row.events)).map((event: { id: number }) => event.id)),
  );
}

async function resume(key: string, sessionId: string, lastEventId?: string) {
  const answer = await call(`/sessions/${sessionId}/turn`, {
    key,
    headers: lastEventId ? { "Last-Event-ID": lastEventId } : {},
  });
  return { ...answer, ...parseSse(answer.text) };
}

async function waitForIdle(key: string, sessionId: string, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const history = await call(`/sessions/${sessionId}/messages`, { key });
    if (!history.body.running || Date.now() > deadline) return history.body;
    await sleep(25);
  }
}

describe("a chat turn survives a reload, a lost connection and a second tab", () => {
  it("a reload in the middle gets what it missed from Last-Event-ID, then the rest live, and nothing is re-sent", async () => {
    const { key, sessionId } = await newSession("en");
    const first = await sendAndLeave(key, sessionId, "a fox running through a snowy forest", 1);
    expect(first[0]).toMatchObject({ id: "1", event: "activity" });
    const rest = await resume(key, sessionId, first[0].id);
    expect(rest.status).toBe(200);
    expect(rest.headers.get("Content-Type")).toContain("text/event-stream");
    expect(rest.events[0].id).toBe("2");
    expect(rest.events.map((e) => e.event)).toContain("text");
    expect(rest.events.map((e) => e.event)).toContain("timeline");
    expect(rest.events.at(-1)).toMatchObject({ event: "done", data: { reason: "complete" } });
    const ids = [...first, ...rest.events].map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect(await runSseCalls()).toHaveLength(1);
  });

  it("the turn goes on to its end with nobody listening; the conversation shows the reply", async () => {
    const { key, sessionId } = await newSession("en");
    await sendAndLeave(key, sessionId, "a fox running through a snowy forest", 1);
    const history = await waitForIdle(key, sessionId);
    expect(history.running).toBe(false);
    expect(history.messages[0]).toMatchObject({ role: "user", text: "a fox running through a snowy forest" });
    expect(history.messages[1].role).toBe("assistant");
    expect(history.messages[1].text.length).toBeGreaterThan(10);
    const session = await call(`/sessions/${sessionId}`, { key });
    expect(session.body.exportReady).toBe(true);
  });

  it("opening the session fresh (no Last-Event-ID) replays the whole running turn, then follows it live", async () => {
    const { key, sessionId } = await newSession("en");
    const sent = await chat(key, sessionId, "a fox running through a snowy forest");
    const replay = await resume(key, sessionId);
    expect(replay.events.map((e) => [e.id, e.event])).toEqual(sent.events.map((e) => [e.id, e.event]));
  });

  it("a second tab follows the same turn: both see every event, in order", async () => {
    const { key, sessionId } = await newSession("en");
    const sending = chat(key, sessionId, "a fox running through a snowy forest");
    await sleep(30);
    const [sent, watched] = await Promise.all([sending, resume(key, sessionId)]);
    expect(watched.events.map((e) => e.id)).toEqual(sent.events.map((e) => e.id));
  });

  it("nothing to resume answers 204: no turn yet, or a finished turn already seen to its end", async () => {
    const { key, sessionId } = await newSession("en");
    expect((await resume(key, sessionId)).status).toBe(204);
    const sent = await chat(key, sessionId, "hello, what can you do?");
    expect((await resume(key, sessionId, sent.events.at(-1)!.id)).status).toBe(204);
    expect((await call(`/sessions/${sessionId}/turn?after=${sent.events.at(-1)!.id}`, { key })).status).toBe(204);
  });

  it("a reconnect to a quiet turn gets keep-alive comments while it waits", async () => {
    const { key, sessionId } = await newSession("en");
    await emulator.configure({ heartbeatMs: 60_000 });
    const first = await sendAndLeave(key, sessionId, "a fox running through a snowy forest", 1);
    const rest = await resume(key, sessionId, first[0].id);
    expect(rest.comments.filter((c) => c === "keep-alive").length).toBeGreaterThan(0);
  });

  it("a restart of the Durable Object in the middle ends the turn in words, and the next message is accepted", async () => {
    const { key, sessionId, visitorId } = await newSession("en");
    await sendAndLeave(key, sessionId, "a fox running through a snowy forest", 1);
    await restartVisitor(visitorId);
    const after = await resume(key, sessionId, "1");
    expect(after.events.at(-2)).toMatchObject({ event: "error", data: { code: "upstream_unavailable" } });
    expect(after.events.at(-2)!.data.message).toMatch(/restarted/);
    expect(after.events.at(-1)).toMatchObject({ event: "done", data: { reason: "interrupted" } });
    expect((await call(`/sessions/${sessionId}/messages`, { key })).body.running).toBe(false);
    await sleep(1600); // NemoVideo is still finishing the first message upstream.
    await emulator.grantCredits(500);
    const next = await chat(key, sessionId, "make the music louder");
    expect(next.events.find((e) => e.event === "timeline")!.data.changed).toEqual([expect.stringMatching(/^BGM volume/)]);
    expect(next.events.at(-1)).toMatchObject({ event: "done", data: { reason: "complete" } });
  });

  it("a reconnect while the latest events still wait to be written gets them from memory: no gap, no duplicate", async () => {
    const { key, sessionId, visitorId } = await newSession("en");
    const first = await sendAndLeave(key, sessionId, "a fox running through a snowy forest", 1);
    expect(await writtenIds(visitorId)).toEqual([]); // the event that page saw is in memory only
    const [rest, whole] = await Promise.all([resume(key, sessionId, first[0].id), resume(key, sessionId)]);
    const ids = [...first, ...rest.events].map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => ids[0] + i));
    expect(rest.events.at(-1)).toMatchObject({ event: "done", data: { reason: "complete" } });
    expect(whole.events).toEqual([...first, ...rest.events]);
    expect(await writtenIds(visitorId)).toEqual(ids); // and at its end the turn was written whole
  });

  it("a restart keeps every written batch, loses at most the unwritten one, and ends after the last event a page saw", async () => {
    const { key, sessionId, visitorId } = await newSession("en");
    await emulator.configure({ timeScale: 0.05 }); // a generation of 5–15 s, with a `working` notice every 150 ms
    const stream = await send(key, sessionId, "a fox running through a snowy forest");
    const seen: SseEvent[] = [];
    let written: number[] = [];
    while (!(written.length > 0 && Number(seen.at(-1)!.id) > written.at(-1)!)) {
      seen.push((await stream.next())!);
      written = await writtenIds(visitorId);
    }
    await stream.leave();
    await restartVisitor(visitorId);
    const after = await resume(key, sessionId, seen.at(-1)!.id);
    expect(after.events.map((e) => e.event)).toEqual(["error", "done"]);
    expect(after.events[0].data.message).toMatch(/restarted/);
    const replay = await resume(key, sessionId);
    expect(replay.events.slice(0, -2)).toEqual(seen.slice(0, written.length));
    expect(replay.events.slice(-2)).toEqual(after.events);
  });

  it("the words a reply had written before a restart stay in the conversation once the turn is ended", async () => {
    const { key, sessionId, visitorId } = await newSession("en");
    const startedAt = Date.now();
    // What an instance that died mid-reply leaves: its turn marked running, and the batches it wrote (the reply's
    // words are in the batches only; the turn's row gets them when the turn ends).
    await runInDurableObject(visitorStub(visitorId), (_instance, state) => {
      state.storage.sql.exec(
        "INSERT INTO turns (id, session_id, message, status, started_at) VALUES ('t-before', ?, 'a fox in the snow', 'running', ?)",
        sessionId,
        startedAt,
      );
      const batch = (events: object[]) =>
        state.storage.sql.exec("INSERT INTO turn_batches VALUES ('t-before', ?, ?)", (events.at(-1) as { id: number }).id, JSON.stringify(events));
      batch([{ id: 901, event: "activity", data: { tool: "generate", label: "Generating", makesVideo: true } }, { id: 902, event: "text", data: { text: "Here is " } }]);
      batch([{ id: 903, event: "text", data: { text: "your fox." } }]);
    });
    await restartVisitor(visitorId);
    const history = (await call(`/sessions/${sessionId}/messages`, { key })).body;
    expect(history.running).toBe(false);
    expect(history.messages.map((m: { role: string; text: string }) => [m.role, m.text])).toEqual([
      ["user", "a fox in the snow"],
      ["assistant", "Here is your fox."],
    ]);
  });

  it("a finished turn is all there after a restart", async () => {
    const { key, sessionId, visitorId } = await newSession("en");
    const sent = await chat(key, sessionId, "a fox running through a snowy forest");
    await restartVisitor(visitorId);
    expect((await resume(key, sessionId)).events).toEqual(sent.events);
    expect((await call(`/sessions/${sessionId}/messages`, { key })).body.messages[1].text.length).toBeGreaterThan(10);
  });

  it("another visitor can neither follow nor read a session's turns", async () => {
    const owner = await newSession("en");
    await chat(owner.key, owner.sessionId, "hello, what can you do?");
    const stranger = await newSession("en");
    expect((await resume(stranger.key, owner.sessionId)).status).toBe(404);
    expect((await call(`/sessions/${owner.sessionId}/messages`, { key: stranger.key })).status).toBe(404);
  });

  it("finished turns' events are swept after an hour; their message and reply stay as history", async () => {
    const { key, sessionId, visitorId } = await newSession("en");
    await chat(key, sessionId, "hello, what can you do?");
    const stub: DurableObjectStub = visitorStub(visitorId);
    await runInDurableObject(stub, (_instance, state) => {
      // Two hours pass for the turn; the sweep comes due.
      state.storage.sql.exec("UPDATE turns SET ended_at = ended_at - ?", 2 * 3600_000);
      state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE key = 'sweep'");
    });
    await runDurableObjectAlarm(stub);
    expect((await resume(key, sessionId)).status).toBe(204);
    const history = (await call(`/sessions/${sessionId}/messages`, { key })).body;
    expect(history.messages.map((m: any) => m.role)).toEqual(["user", "assistant"]);
  });
});

describe("stopping a reply", () => {
  it("the person stops waiting: the stream ends with done 'cancelled', nothing is sent again, and 204 once nothing runs", async () => {
    const { key, sessionId } = await newSession("en");
    const stream = call(`/sessions/${sessionId}/messages`, { method: "POST", key, json: { text: "a fox running through a snowy forest" } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await call(`/sessions/${sessionId}/turn/cancel`, { method: "POST", key })).status).toBe(202);
    const { events } = parseSse((await stream).text);
    expect(events.at(-1)).toMatchObject({ event: "done", data: { reason: "cancelled" } });
    expect(events.some((event) => event.event === "error")).toBe(false);
    expect((await call(`/sessions/${sessionId}/turn/cancel`, { method: "POST", key })).status).toBe(204);
    expect((await emulator.requests()).filter((r) => r.path === "/run_sse")).toHaveLength(1);
    expect((await call(`/sessions/${sessionId}/messages`, { key })).body.running).toBe(false);
  });
});
