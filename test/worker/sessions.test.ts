import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, chat, emulator, newSession, newVisitor, useEmulator } from "../helpers";

useEmulator();

describe("sessions", () => {
  it("a new session has an empty timeline that says how to start", async () => {
    const { key, sessionId } = await newSession("en");
    const session = await call(`/sessions/${sessionId}`, { key });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      sessionId,
      timeline: { durationMs: 0, tracks: [] },
      exportReady: false,
      media: [],
    });
    expect(session.body.summary).toMatch(/empty/);
  });

  for (const newSessionState of ["draft-null", "null", "nulls"] as const) {
    it(`a new session whose state NemoVideo gives as ${newSessionState === "null" ? "null" : newSessionState === "nulls" ? "all nulls" : "a null draft"} shows an empty timeline, no media, nothing to export; a generation then fills it`, async () => {
      await emulator.configure({ newSessionState });
      const { key, sessionId } = await newSession("en");
      const session = await call(`/sessions/${sessionId}`, { key });
      expect(session.body).toMatchObject({ timeline: { durationMs: 0, tracks: [] }, exportReady: false, media: [] });
      expect(session.body.summary).toBe("The timeline is empty: describe a video to start.");
      const refused = await call(`/sessions/${sessionId}/exports`, { method: "POST", key, json: {} });
      expect(refused.body.error.code).toBe("export_not_ready");
      const turn = await chat(key, sessionId, "a fox running through a snowy forest");
      expect(turn.events.find((e) => e.event === "timeline")!.data.summary).toMatch(/^Timeline \(3 tracks\)/);
    });
  }

  it("a track of a type other than video, music or title (tt 3) is shown as a track of its own, and the video still exports", async () => {
    await emulator.configure({ otherTracks: true });
    const { key, sessionId } = await newSession("en");
    await chat(key, sessionId, "a fox running through a snowy forest");
    const { body } = await call(`/sessions/${sessionId}`, { key });
    expect(body.timeline.tracks.map((t: any) => t.kind)).toEqual(["video", "audio", "text", "other"]);
    expect(body.summary).toMatch(/^Timeline \(4 tracks\): .* 4\. Track: Sparkles \(1-4s\)$/);
    expect(body.exportReady).toBe(true);
    expect((await call(`/sessions/${sessionId}/exports`, { method: "POST", key, json: {} })).body.status).toBe("pending");
    const [submitted] = (await emulator.requests()).filter((r) => r.path === "/api/render/proxy/lambda");
    expect(JSON.parse(submitted.body!).draft.t.map((track: any) => track.tt)).toEqual([0, 1, 7, 3]);
  });

  for (const draftKeys of ["short", "long", "in-out", "from-to"] as const) {
    it(`after a generation the session shows video, BGM and title tracks (${draftKeys} segment keys)`, async () => {
      await emulator.configure({ draftKeys });
      const { key, sessionId } = await newSession("en");
      await chat(key, sessionId, "a fox running through a snowy forest");
      const { body } = await call(`/sessions/${sessionId}`, { key });
      expect(body.exportReady).toBe(true);
      expect(body.timeline.tracks.map((t: any) => t.kind)).toEqual(["video", "audio", "text"]);
      expect(body.timeline.durationMs).toBeGreaterThan(0);
      const [video, audio, title] = body.timeline.tracks;
      expect(video.label.length).toBeGreaterThan(0);
      expect(video.endMs).toBeGreaterThan(video.startMs);
      expect(audio.volume).toBeGreaterThan(0);
      expect(audio.volume).toBeLessThanOrEqual(1);
      expect(title.label.length).toBeGreaterThan(0);
      expect(body.summary).toMatch(/^Timeline \(3 tracks\): 1\. Video: .+ \(0-\d+(\.\d)?s\) 2\. BGM: .+%\) 3\. Title: ".+"/);
    });
  }

  it("lists the visitor's sessions newest first", async () => {
    const { key } = await newVisitor();
    const first = (await call("/sessions", { method: "POST", key, json: { language: "en" } })).body.sessionId;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = (await call("/sessions", { method: "POST", key, json: { language: "zh-CN" } })).body.sessionId;
    const { body } = await call("/sessions", { key });
    expect(body.sessions.map((s: any) => s.sessionId)).toEqual([second, first]);
    expect(body.sessions[0].language).toBe("zh-CN");
  });

  it("a session can be created with no body at all", async () => {
    const { key } = await newVisitor();
    const answer = await call("/sessions", { method: "POST", key });
    expect(answer.status).toBe(201);
  });

  it("refuses a language that is not a language tag", async () => {
    const { key } = await newVisitor();
    const answer = await call("/sessions", { method: "POST", key, json: { language: "english please" } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("invalid_request");
    expect(answer.body.error.message).toMatch(/language/);
  });

  it("the claim link opens the project in NemoVideo's editor with a claim token, not the account token", async () => {
    const { key, sessionId } = await newSession("en");
    const answer = await call(`/sessions/${sessionId}/claim`, { key });
    expect(answer.status).toBe(200);
    expect(answer.body.url).toMatch(/^https:\/\/nemovideo\.com\/workspace\/claim\?ct=clm_/);
  });

  it("a session NemoVideo lost answers 410 in words once, then works again with an empty timeline", async () => {
    const { key, sessionId } = await newSession("en");
    await chat(key, sessionId, "a fox running through a snowy forest");
    await emulator.fault("lose-session");
    const lost = await call(`/sessions/${sessionId}`, { key });
    expect(lost.status).toBe(410);
    expect(lost.body.error.code).toBe("session_lost");
    expect(lost.body.error.message).toMatch(/timeline is gone/);
    const fresh = await call(`/sessions/${sessionId}`, { key });
    expect(fresh.status).toBe(200);
    expect(fresh.body.timeline.tracks).toEqual([]);
  });

  it("a copy in KV that lags behind a replaced session is not mistaken for a second loss", async () => {
    const { key, sessionId } = await newSession("en");
    const stale = await env.KV.get(`session:${sessionId}`);
    await emulator.fault("lose-session");
    expect((await call(`/sessions/${sessionId}`, { key })).status).toBe(410);
    // As if this edge location still had the old copy (KV is eventually consistent).
    await env.KV.put(`session:${sessionId}`, stale!);
    const answer = await call(`/sessions/${sessionId}`, { key });
    expect(answer.status).toBe(200);
    const creates = (await emulator.requests()).filter((r) => r.path.startsWith("/api/tasks/me/with-session"));
    expect(creates).toHaveLength(2);
  });

  it("when NemoVideo can't open a session, the person is told in words (and nothing is recorded)", async () => {
    const { key } = await newVisitor();
    await call("/credits", { key });
    await emulator.fault("server-error", { match: { path: "/api/tasks/me/with-session" }, params: { status: 503 } });
    const answer = await call("/sessions", { method: "POST", key, json: { language: "en" } });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe("upstream_unavailable");
    expect(answer.body.error.message).toMatch(/NemoVideo/);
    expect((await call("/sessions", { key })).body.sessions).toEqual([]);
  });

  it("the claim link of a lost session answers 410 in words", async () => {
    const { key, sessionId } = await newSession("en");
    await emulator.fault("lose-session");
    const answer = await call(`/sessions/${sessionId}/claim`, { key });
    expect(answer.status).toBe(410);
    expect(answer.body.error.code).toBe("session_lost");
  });

  for (const status of [502, 501, 520, 522]) {
    it(`a read met by an HTTP ${status} (NemoVideo, or the edge's page in front of it) is tried once more, and the person sees the timeline`, async () => {
      const { key, sessionId } = await newSession("en");
      await chat(key, sessionId, "a fox running through a snowy forest");
      await emulator.fault(status >= 520 ? "edge-error" : "server-error", { match: { path: "/api/state/" }, params: { status } });
      const answer = await call(`/sessions/${sessionId}`, { key });
      expect(answer.body.summary).toMatch(/^Timeline \(3 tracks\): 1\. Video: /);
      const reads = (await emulator.requests()).filter((r) => r.path.startsWith("/api/state/"));
      expect(reads.map((r) => r.status).slice(-2)).toEqual([status, 200]);
    });
  }

  it("a read that keeps failing answers 503 with a sentence", async () => {
    const { key } = await newSession("en");
    await emulator.fault("server-error", { times: 10, match: { path: "/api/credits" }, params: { status: 500 } });
    const answer = await call("/credits", { key });
    expect(answer.status).toBe(503);
    expect(answer.body.error).toMatchObject({ code: "upstream_unavailable" });
    expect(answer.body.error.message).toMatch(/NemoVideo is not answering/);
  });

  it("an HTTP 429 on a read is retried once after the pause", async () => {
    const { key } = await newSession("en");
    await emulator.fault("rate-limit", { match: { path: "/api/credits" } });
    const answer = await call("/credits", { key });
    expect(answer.status).toBe(200);
  });

  it("when NemoVideo refuses new anonymous tokens, the person is told at once, with when it frees up and the registration way out", async () => {
    await emulator.configure({ anonTokensPerIp: 1 });
    const first = await newVisitor();
    expect((await call("/credits", { key: first.key })).status).toBe(200);
    const second = await newVisitor();
    const refused = await call("/credits", { key: second.key });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe("accounts_exhausted");
    expect(refused.body.error.message).toMatch(/free NemoVideo accounts.*free up on .*register with NemoVideo/s);
    expect(refused.body.error.link).toMatch(/^https:\/\/nemovideo\.com\/register/);
    expect(refused.body.error.retryAt).toBeGreaterThan(Date.now());
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});
