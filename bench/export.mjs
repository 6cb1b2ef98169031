import { createParser } from "eventsource-parser";
import { now, quantile, sleep } from "./stats.mjs";

/**
 * How soon is a finished export seen, and at what cost in polls, whatever shape the render's progress takes?
 * Eighteen renders, 20, 45 and 80 s on each of six progress curves, run three ways at once on the emulator with
 * its time scaled: through PromptReel (`POST /sessions/{id}/exports`, watched on `GET /exports/{id}/events`), and,
 * written here in Node straight against the emulator, with NemoVideo's own client's schedule (the first poll at
 * 2 s, each wait ×1.5, at most 15 s) and with the seed's fixed 30 s cadence. Each render's length and curve come
 * from the emulator's `shape-render` fault, armed for the client id that submits it. The emulator's poll answer
 * says when a render finished (`completedAt`); its request log says how often PromptReel polled.
 */
export const CURVES = ["straight", "slow-start", "plateau", "steps", "stuck", "none"];
export const LENGTHS_S = [20, 45, 80];
/** The targets of issue 13: seen at most 3 s after finishing at the median, never more than 15 s, and no more
 * polls in all than NemoVideo's own client makes. */
export const TARGET = { medianS: 3, maxS: 15 };
const PATHS = ["promptreel", "nemovideo", "every30"];
const SESSIONS_PER_VISITOR = 3;
const ATTRIBUTION = { "X-Skill-Source": "promptreel-bench", "X-Skill-Version": "1", "X-Skill-Platform": "node" };
/** Marks the bench's own reads of a render, so that they are not counted as anybody's polls. */
const PROBE = "x-bench-probe";
const RENDER_PATH = "/api/render/proxy/lambda";
/** A draft with a video segment: all the render proxy asks of one. */
const DRAFT = { t: [{ tt: 0, sg: [{ n: "bench", s: 0, e: 5000, v: 1 }] }], d: 5000, m: { title: "Bench", width: 1280, height: 720 } };
/** The waits of each baseline, in real seconds before scaling: the first, and the next from the one before. */
const SCHEDULES = {
  nemovideo: { first: 2, next: (wait) => Math.min(15, wait * 1.5) },
  every30: { first: 30, next: () => 30 },
};

async function json(url, { method = "POST", headers = {}, body, accept = [200, 201, 202] } = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!accept.includes(response.status)) throw new Error(`${method} ${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Reads an event stream to its end, calling `onEvent(event, data, arrivedAt)`; `false` from it stops reading. */
async function readEvents(response, onEvent) {
  const decoder = new TextDecoder();
  let arrivedAt = 0;
  let going = true;
  const parser = createParser({
    onEvent: ({ event, data }) => {
      if (going && onEvent(event ?? "message", data, arrivedAt) === false) going = false;
    },
  });
  for await (const chunk of response.body) {
    arrivedAt = now();
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (!going) break;
  }
}

const requestLog = async (emulator, since = 0) => (await json(`${emulator}/__emulator/requests?since=${since}`, { method: "GET" })).requests;
const configure = (emulator, patch) => json(`${emulator}/__emulator/config`, { body: patch });

/** A render's times as the emulator reports them (answer shape A), read without counting as a poll. */
async function upstreamTimes(emulator, renderId, authorization) {
  const answer = await json(`${emulator}${RENDER_PATH}/${renderId}`, {
    method: "GET",
    headers: { Authorization: authorization, [PROBE]: "1", ...ATTRIBUTION },
  });
  const view = answer.data ?? answer;
  if (view.status !== "completed" || typeof view.completedAt !== "number")
    throw new Error(`render ${renderId}: expected a completed render with completedAt (shape A), got ${JSON.stringify(view)}`);
  return { createdAt: view.createdAt, completedAt: view.completedAt };
}

// ---- The baselines, straight against the emulator -------------------------------------------------------------

/** An anonymous account for a baseline's loop. */
async function baselineAccount(emulator) {
  const { data } = await json(`${emulator}/api/auth/anonymous-token`, { headers: { "X-Client-Id": `bench-export-${crypto.randomUUID()}` } });
  return `Bearer ${data.token}`;
}

/** One render, under the session id `sessionId`, polled on `schedule`: created, then polled after each wait (scaled) until completed. */
async function baselineRender(emulator, { authorization, sessionId }, schedule, scale) {
  const id = `render_${Date.now()}_${crypto.randomUUID().slice(0, 8)}`;
  const headers = { Authorization: authorization, ...ATTRIBUTION };
  await json(`${emulator}${RENDER_PATH}`, { headers, body: { id, sessionId, draft: DRAFT, output: { format: "mp4", quality: "high" } } });
  for (let wait = schedule.first, polls = 1; ; wait = schedule.next(wait), polls++) {
    await sleep(wait * 1000 * scale);
    const answer = await json(`${emulator}${RENDER_PATH}/${id}`, { method: "GET", headers });
    const view = answer.data ?? answer;
    if (view.status === "failed") throw new Error(`baseline: render ${id} failed: ${view.error}`);
    if (view.status === "completed") return { renderId: id, polls, shownAt: now() };
  }
}

// ---- PromptReel ---------------------------------------------------------------------------------------------------

/**
 * Visitors with three sessions each (ten new visitors a minute is all one address may make), every session with
 * a video in its timeline (a whole chat turn); each with the NemoVideo session id it runs on.
 */
async function preparePromptReel(relay, emulator, count) {
  const sessions = [];
  for (let index = 0; index < count; index += SESSIONS_PER_VISITOR) {
    const { key } = await json(`${relay}/api/v1/visitors`);
    for (let session = index; session < Math.min(count, index + SESSIONS_PER_VISITOR); session++) {
      const auth = { Authorization: `Bearer ${key}` };
      const { sessionId } = await json(`${relay}/api/v1/sessions`, { headers: auth, body: { language: "en" } });
      sessions.push({ auth, sessionId, prompt: `generate a video of paper boat number ${session + 1}` });
    }
  }
  // Three generations cost more than an anonymous account's 100 credits.
  const { tokens } = await json(`${emulator}/__emulator/tokens`, { method: "GET" });
  for (const userId of new Set(tokens.map((token) => token.userId)))
    await json(`${emulator}/__emulator/users/credits`, { body: { userId, available: 1_000_000 } });
  const since = (await requestLog(emulator)).length;
  await Promise.all(sessions.map((session) => chatTurn(relay, session)));
  // NemoVideo's session ids, from the turns as the emulator logged them.
  const turns = (await requestLog(emulator, since)).filter((entry) => entry.path === "/run_sse" && entry.body);
  for (const session of sessions) {
    const turn = turns.map((entry) => JSON.parse(entry.body)).find((body) => body.new_message.parts[0].text === session.prompt);
    if (!turn) throw new Error(`relay: no /run_sse for "${session.prompt}" in the emulator's log`);
    session.upstreamSessionId = turn.session_id;
  }
  return sessions;
}

async function chatTurn(relay, { auth, sessionId, prompt }) {
  const response = await fetch(`${relay}/api/v1/sessions/${sessionId}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...auth },
    body: JSON.stringify({ text: prompt }),
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) throw new Error(`relay: message "${prompt}": HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  let done;
  await readEvents(response, (event, data) => {
    if (event === "done") done = JSON.parse(data);
    return event !== "done";
  });
  if (done?.reason !== "complete") throw new Error(`relay: the turn "${prompt}" ended with ${JSON.stringify(done)}`);
}

/** One export through PromptReel: started, then watched on its event stream until a final status arrives. */
async function promptReelRender(relay, { auth, sessionId }) {
  const started = await json(`${relay}/api/v1/sessions/${sessionId}/exports`, { headers: auth, body: {} });
  const response = await fetch(`${relay}/api/v1/exports/${started.exportId}/events`, { headers: { accept: "text/event-stream", ...auth } });
  if (!response.ok) throw new Error(`relay: export events: HTTP ${response.status}`);
  let final;
  await readEvents(response, (event, data, arrivedAt) => {
    const view = event === "status" ? JSON.parse(data) : undefined;
    if (!view || !["completed", "failed", "cancelled"].includes(view.status)) return true;
    final = { view, shownAt: arrivedAt };
    return false;
  });
  if (final?.view.status !== "completed") throw new Error(`relay: export ${started.exportId} ended ${JSON.stringify(final?.view)}`);
  // NemoVideo's CDN URL names the render: `…/render-result/<render id>.mp4`.
  const renderId = /\/render-result\/([^/]+)\.mp4$/.exec(final.view.url ?? "")?.[1];
  if (!renderId) throw new Error(`relay: export ${started.exportId} completed without NemoVideo's url`);
  return { renderId, shownAt: final.shownAt };
}

// ---- The run --------------------------------------------------------------------------------------------------------

/**
 * Runs every curve × length three ways at once on the emulator with its time scaled by `scale` (the relay must
 * have been started with `JOB_TIME_SCALE` equal to it) and returns the figures, in real seconds, with each
 * render's raw times.
 */
export async function benchExport({ emulator, relay, scale }) {
  const renders = CURVES.flatMap((curve) => LENGTHS_S.map((seconds) => ({ curve, seconds })));
  // Preparation on a fast clock: the generation turns take a second, not minutes.
  await configure(emulator, { timeScale: 0.005, anonTokensPerIp: 0, renderShape: "a", renderProgress: "straight" });
  const preparedAt = now();
  const [sessions, nemovideo, every30] = await Promise.all([
    preparePromptReel(relay, emulator, renders.length),
    baselineAccount(emulator),
    baselineAccount(emulator),
  ]);
  const prepared = renders.map((_, index) => ({
    promptreel: sessions[index],
    nemovideo: { authorization: nemovideo, sessionId: `bench-nemovideo-${index}` },
    every30: { authorization: every30, sessionId: `bench-every30-${index}` },
  }));
  const prepareSeconds = (now() - preparedAt) / 1000;
  // Each render's length and curve, armed for the NemoVideo session it is submitted in.
  for (const [index, { curve, seconds }] of renders.entries())
    for (const path of PATHS) {
      const sessionId = prepared[index][path].upstreamSessionId ?? prepared[index][path].sessionId;
      await json(`${emulator}/__emulator/faults`, { body: { fault: "shape-render", match: { sessionId }, params: { seconds, progress: curve } } });
    }
  await configure(emulator, { timeScale: scale });

  const since = (await requestLog(emulator)).length;
  const startedAt = now();
  // Render i starts i/n of 3 s (scaled) after the first, on all three paths at once: renders started together
  // would poll together, and the emulator (one isolate) would answer them one after another.
  const runs = await Promise.all(
    renders.map(async (_, index) => {
      await sleep((index * 3000 * scale) / renders.length);
      const [promptreel, nemovideo, every30] = await Promise.all([
        promptReelRender(relay, prepared[index].promptreel),
        baselineRender(emulator, prepared[index].nemovideo, SCHEDULES.nemovideo, scale),
        baselineRender(emulator, prepared[index].every30, SCHEDULES.every30, scale),
      ]);
      return { promptreel, nemovideo, every30 };
    }),
  );
  const renderSeconds = (now() - startedAt) / 1000;

  const log = await requestLog(emulator, since);
  const pollsOf = (renderId) => log.filter((entry) => entry.method === "GET" && entry.path === `${RENDER_PATH}/${renderId}` && !entry.headers[PROBE]);
  const toRealSeconds = (ms) => round(ms / scale / 1000);
  const rows = [];
  for (const [index, render] of renders.entries()) {
    const row = { ...render };
    for (const path of PATHS) {
      const run = runs[index][path];
      const polls = pollsOf(run.renderId);
      // The render can be read only with its owner's token: the one it was polled with.
      const authorization = polls[0]?.headers.authorization;
      if (!authorization) throw new Error(`${path}: no poll of render ${run.renderId} in the emulator's log`);
      const times = await upstreamTimes(emulator, run.renderId, authorization);
      row[path] = {
        renderId: run.renderId,
        seconds: toRealSeconds(times.completedAt - times.createdAt),
        delaySeconds: toRealSeconds(run.shownAt - times.completedAt),
        polls: polls.length,
        pollTimesSeconds: polls.map((entry) => toRealSeconds(entry.time - times.createdAt)),
      };
    }
    // What loopback and timers add: how much later than its schedule NemoVideo's client's last poll went out.
    row.nemovideo.slipSeconds = round(row.nemovideo.pollTimesSeconds.at(-1) - scheduledAt(SCHEDULES.nemovideo, row.nemovideo.polls));
    rows.push(row);
  }
  return {
    settings: { timeScale: scale, curves: CURVES, lengthsSeconds: LENGTHS_S, target: TARGET },
    prepareSeconds: round(prepareSeconds, 1),
    renderSeconds: round(renderSeconds, 1),
    figures: exportFigures(rows),
    renders: rows,
  };
}

const round = (value, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

/** When `schedule`'s poll number `polls` is due, in s after the render was created. */
function scheduledAt(schedule, polls) {
  let wait = schedule.first;
  let at = wait;
  for (let poll = 1; poll < polls; poll++) {
    wait = schedule.next(wait);
    at += wait;
  }
  return at;
}

function pathFigures(rows, path) {
  const delays = rows.map((row) => row[path].delaySeconds);
  return {
    delay: { median: round(quantile(delays, 0.5)), max: round(Math.max(...delays)) },
    polls: rows.reduce((sum, row) => sum + row[path].polls, 0),
  };
}

function exportFigures(rows) {
  const all = Object.fromEntries(PATHS.map((path) => [path, pathFigures(rows, path)]));
  const byCurve = Object.fromEntries(
    CURVES.map((curve) => [curve, Object.fromEntries(PATHS.map((path) => [path, pathFigures(rows.filter((row) => row.curve === curve), path)]))]),
  );
  const ours = all.promptreel;
  const target = {
    medianDelay: ours.delay.median <= TARGET.medianS,
    maxDelay: ours.delay.max <= TARGET.maxS,
    polls: ours.polls <= all.nemovideo.polls,
  };
  const lengthsMatch = rows.every((row) => PATHS.every((path) => Math.abs(row[path].seconds - row.seconds) < 0.25));
  const slips = rows.map((row) => row.nemovideo.slipSeconds);
  const slip = { median: round(quantile(slips, 0.5)), max: round(Math.max(...slips)) };
  return { all, byCurve, lengthsMatch, slip, target: { ...target, pass: target.medianDelay && target.maxDelay && target.polls } };
}
