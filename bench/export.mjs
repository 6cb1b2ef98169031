import { createParser } from "eventsource-parser";
import { now, quantile, sleep } from "./stats.mjs";

/**
 * How soon does a person see an export as finished, and at what cost in upstream polls? The same renders run twice
 * at once, on the emulator with its time scaled: through PromptReel (`POST /sessions/{id}/exports`, watched on
 * `GET /exports/{id}/events`), and through the seed's loop (`POST /api/render/proxy/lambda`, then a poll every
 * 30 s, scaled, until `completed`), written here in Node straight against the emulator. The emulator picks a
 * render's length (30–90 s) from a hash of the draft and a draft from the prompt, so both paths render the same
 * drafts, of the lengths below. The emulator's poll answer says when a render finished (`completedAt`); its request
 * log says how often PromptReel polled.
 */
export const RENDERS = [
  // Render length in seconds before scaling (the emulator's pick for the draft the prompt makes); generation turns
  // of 103–140 s, so that the preparation is short.
  { prompt: "make a 7-second video of a paper boat", seconds: 31 },
  { prompt: "make a 10-second video of a campfire", seconds: 36 },
  { prompt: "make a 10-second video of a koi pond", seconds: 44 },
  { prompt: "make a 7-second video of a forest stream", seconds: 47 },
  { prompt: "make a 10-second video of a lighthouse", seconds: 51 },
  { prompt: "make a 6-second video of a waterfall", seconds: 57 },
  { prompt: "make a 6-second video of a bee on a flower", seconds: 62 },
  { prompt: "make a 8-second video of a whale", seconds: 65 },
  { prompt: "make a 6-second video of a sailboat", seconds: 71 },
  { prompt: "make a 6-second video of a rainy street", seconds: 75 },
  { prompt: "make a 10-second video of a snowy village", seconds: 84 },
  { prompt: "make a 7-second video of a city at night", seconds: 90 },
];
/** The seed: "Poll GET /api/render/proxy/lambda/<id> every 30s until status = completed". */
export const SEED_POLL_S = 30;
/** The target of issue 6: the job shows `completed` at most 3 s after the render finished (median). */
export const TARGET_MEDIAN_S = 3;
/** Renders per visitor (each in its own session): several exports at once in one Durable Object. */
const SESSIONS_PER_VISITOR = 3;
const ATTRIBUTION = { "X-Skill-Source": "promptreel-bench", "X-Skill-Version": "1", "X-Skill-Platform": "node" };
/** Marks the bench's own reads of a render, so that they are not counted as PromptReel's polls. */
const PROBE = "x-bench-probe";
const RENDER_PATH = "/api/render/proxy/lambda";

async function json(url, { method = "POST", headers = {}, body, accept = [200, 201, 202] } = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
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
  // Leaving the loop early cancels the body: the connection is closed.
}

/** The emulator's request log from index `since`. */
const requestLog = async (emulator, since = 0) => (await json(`${emulator}/__emulator/requests?since=${since}`, { method: "GET" })).requests;

/** Plenty of credits for every account the emulator knows: a generation costs 100, an anonymous account has 100. */
async function topUpAll(emulator) {
  const { tokens } = await json(`${emulator}/__emulator/tokens`, { method: "GET" });
  for (const userId of new Set(tokens.map((token) => token.userId)))
    await json(`${emulator}/__emulator/users/credits`, { body: { userId, available: 1_000_000 } });
}

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

// ---- The seed's loop, straight against the emulator -------------------------------------------------------------

/** An anonymous account and one session per prompt, each with the draft its generation made. */
async function prepareSeed(emulator, renders, turnTimeoutMs) {
  const { data: token } = await json(`${emulator}/api/auth/anonymous-token`, {
    headers: { "X-Client-Id": `bench-export-${crypto.randomUUID()}` },
  });
  const auth = { Authorization: `Bearer ${token.token}`, ...ATTRIBUTION };
  await json(`${emulator}/__emulator/users/credits`, { body: { token: token.token, available: 1_000_000 } });
  const sessions = await Promise.all(
    renders.map(async ({ prompt }) => {
      const { data: session } = await json(`${emulator}/api/tasks/me/with-session/nemo_agent`, {
        headers: auth,
        body: { task_name: "bench", language: "en" },
      });
      const response = await fetch(`${emulator}/run_sse`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...auth },
        body: JSON.stringify({ app_name: "nemo_agent", user_id: "me", session_id: session.session_id, new_message: { parts: [{ text: prompt }] } }),
        signal: AbortSignal.timeout(turnTimeoutMs),
      });
      if (!response.ok) throw new Error(`seed: /run_sse "${prompt}": HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
      await readEvents(response, () => true);
      const { data } = await json(`${emulator}/api/state/nemo_agent/me/${session.session_id}/latest`, { method: "GET", headers: auth });
      if (!data.state?.draft) throw new Error(`seed: "${prompt}" left no draft`);
      return { sessionId: session.session_id, draft: data.state.draft };
    }),
  );
  return { auth, sessions };
}

/** One render the seed's way: create, then sleep 30 s (scaled) and poll, until it is completed. */
async function seedRender(emulator, { auth, session, index, scale }) {
  const id = `render_${Date.now()}_${index}`;
  await json(`${emulator}${RENDER_PATH}`, {
    headers: auth,
    body: { id, sessionId: session.sessionId, draft: session.draft, output: { format: "mp4", quality: "high" } },
  });
  for (let polls = 1; ; polls++) {
    await sleep(SEED_POLL_S * 1000 * scale);
    const answer = await json(`${emulator}${RENDER_PATH}/${id}`, { method: "GET", headers: auth });
    const view = answer.data ?? answer;
    if (view.status === "failed") throw new Error(`seed: render ${id} failed: ${view.error}`);
    if (view.status === "completed") return { renderId: id, polls, shownAt: now(), createdAt: view.createdAt, completedAt: view.completedAt };
  }
}

// ---- PromptReel ---------------------------------------------------------------------------------------------------

/** Whether the relay serves exports yet (its OpenAPI document lists the route). */
async function relayHasExports(relay) {
  const document = await json(`${relay}/api/v1/openapi.json`, { method: "GET" });
  return Object.keys(document.paths ?? {}).some((path) => /\/sessions\/\{[^}]+\}\/exports$/.test(path));
}

/** Visitors with three sessions each, every session with the video its prompt asked for (a whole chat turn). */
async function prepareRelay(relay, emulator, renders, turnTimeoutMs) {
  const visitors = [];
  for (let first = 0; first < renders.length; first += SESSIONS_PER_VISITOR) {
    const { key } = await json(`${relay}/api/v1/visitors`);
    visitors.push({ auth: { Authorization: `Bearer ${key}` }, renders: renders.slice(first, first + SESSIONS_PER_VISITOR) });
  }
  const sessions = [];
  for (const visitor of visitors)
    for (const render of visitor.renders) {
      const { sessionId } = await json(`${relay}/api/v1/sessions`, { headers: visitor.auth, body: { language: "en" } });
      sessions.push({ auth: visitor.auth, sessionId, prompt: render.prompt });
    }
  // The visitors' NemoVideo accounts exist now (made for their first session).
  await topUpAll(emulator);
  await Promise.all(
    sessions.map(async ({ auth, sessionId, prompt }) => {
      const response = await fetch(`${relay}/api/v1/sessions/${sessionId}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...auth },
        body: JSON.stringify({ text: prompt }),
        signal: AbortSignal.timeout(turnTimeoutMs),
      });
      if (!response.ok) throw new Error(`relay: message "${prompt}": HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
      let done;
      await readEvents(response, (event, data) => {
        if (event === "error") throw new Error(`relay: turn "${prompt}" ended with an error: ${data}`);
        if (event === "done") done = JSON.parse(data);
        return event !== "done";
      });
      if (done?.reason !== "complete") throw new Error(`relay: turn "${prompt}" ended with ${JSON.stringify(done)}`);
    }),
  );
  return sessions;
}

/** One export through PromptReel: started, then watched on its event stream until a final status arrives. */
async function relayExport(relay, { auth, sessionId }, timeoutMs) {
  const started = await json(`${relay}/api/v1/sessions/${sessionId}/exports`, { headers: auth, body: { format: "mp4", quality: "high" } });
  const response = await fetch(`${relay}/api/v1/exports/${started.exportId}/events`, {
    headers: { accept: "text/event-stream", ...auth },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`relay: export events: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  let final;
  let statusEvents = 0;
  await readEvents(response, (event, data, arrivedAt) => {
    if (event !== "status") return true;
    statusEvents++;
    const view = JSON.parse(data);
    if (!["completed", "failed", "cancelled"].includes(view.status)) return true;
    final = { view, shownAt: arrivedAt };
    return false;
  });
  if (final?.view.status !== "completed") throw new Error(`relay: export ${started.exportId} ended ${JSON.stringify(final?.view ?? "without a final status")}`);
  // NemoVideo's CDN URL names the render: `…/render-result/<render id>.mp4`.
  const renderId = /\/render-result\/([^/]+)\.mp4$/.exec(final.view.url ?? "")?.[1];
  if (!renderId) throw new Error(`relay: export ${started.exportId} completed without NemoVideo's url: ${JSON.stringify(final.view)}`);
  return { exportId: started.exportId, renderId, shownAt: final.shownAt, jobCompletedAt: final.view.completedAt, statusEvents };
}

// ---- The run --------------------------------------------------------------------------------------------------------

/**
 * Runs `renders` both ways at once on the emulator with its time scaled by `scale` (the relay must have been
 * started with `JOB_TIME_SCALE` equal to it) and returns the figures, in real seconds, with each render's raw times.
 */
export async function benchExport({ emulator, relay, scale, renders = RENDERS }) {
  await json(`${emulator}/__emulator/config`, { body: { timeScale: scale, anonTokensPerIp: 0, renderShape: "a" } });
  const turnTimeoutMs = 300_000 * scale * 2 + 10_000;
  const renderTimeoutMs = (90_000 + SEED_POLL_S * 1000) * scale * 2 + 10_000;
  const withRelay = await relayHasExports(relay);

  const preparedAt = now();
  const [seed, relaySessions] = await Promise.all([
    prepareSeed(emulator, renders, turnTimeoutMs),
    withRelay ? prepareRelay(relay, emulator, renders, turnTimeoutMs) : [],
  ]);
  const prepareSeconds = (now() - preparedAt) / 1000;

  const since = (await requestLog(emulator)).length;
  const startedAt = now();
  // Render i starts i/n of a seed period after the first, on both paths at once: renders started together would
  // poll together, and the emulator (one isolate) would answer them one after another.
  const staggered = (index, run) => sleep((index * SEED_POLL_S * 1000 * scale) / renders.length).then(run);
  const [seedRuns, relayRuns] = await Promise.all([
    Promise.all(seed.sessions.map((session, index) => staggered(index, () => seedRender(emulator, { auth: seed.auth, session, index, scale })))),
    Promise.all(relaySessions.map((session, index) => staggered(index, () => relayExport(relay, session, renderTimeoutMs)))),
  ]);
  const renderSeconds = (now() - startedAt) / 1000;

  const log = await requestLog(emulator, since);
  const pollsOf = (renderId) => log.filter((entry) => entry.method === "GET" && entry.path === `${RENDER_PATH}/${renderId}` && !entry.headers[PROBE]);
  const toRealSeconds = (ms) => Math.round((ms / scale / 1000) * 100) / 100;

  const rows = renders.map((render, index) => {
    const seedRun = seedRuns[index];
    const row = {
      prompt: render.prompt,
      expectedSeconds: render.seconds,
      seed: {
        renderId: seedRun.renderId,
        seconds: toRealSeconds(seedRun.completedAt - seedRun.createdAt),
        delaySeconds: toRealSeconds(seedRun.shownAt - seedRun.completedAt),
        // What loopback and timers add to the seed's delay: its polls are due 30 s, 60 s … after the render started.
        excessSeconds: round(toRealSeconds(seedRun.shownAt - seedRun.createdAt) - seedRun.polls * SEED_POLL_S),
        polls: seedRun.polls,
        loggedPolls: pollsOf(seedRun.renderId).length,
      },
    };
    return row;
  });
  if (withRelay)
    for (const [index, run] of relayRuns.entries()) {
      const polls = pollsOf(run.renderId);
      // The render can be read only with its owner's token: the one the relay polled with.
      const authorization = polls[0]?.headers.authorization;
      if (!authorization) throw new Error(`relay: no poll of render ${run.renderId} in the emulator's log`);
      const times = await upstreamTimes(emulator, run.renderId, authorization);
      rows[index].relay = {
        exportId: run.exportId,
        renderId: run.renderId,
        seconds: toRealSeconds(times.completedAt - times.createdAt),
        delaySeconds: toRealSeconds(run.shownAt - times.completedAt),
        jobDelaySeconds: typeof run.jobCompletedAt === "number" ? toRealSeconds(run.jobCompletedAt - times.completedAt) : null,
        polls: polls.length,
        // When each poll was sent, in real seconds after the render was created upstream.
        pollTimesSeconds: polls.map((entry) => toRealSeconds(entry.time - times.createdAt)),
        statusEvents: run.statusEvents,
      };
    }

  return {
    settings: { timeScale: scale, renders: renders.length, sessionsPerVisitor: SESSIONS_PER_VISITOR, seedPollSeconds: SEED_POLL_S, targetMedianSeconds: TARGET_MEDIAN_S },
    prepareSeconds: Math.round(prepareSeconds * 10) / 10,
    renderSeconds: Math.round(renderSeconds * 10) / 10,
    relayMissing: !withRelay,
    figures: exportFigures(rows, withRelay),
    renders: rows,
  };
}

const round = (value, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

function pathFigures(rows, path, delayKey = "delaySeconds") {
  const delays = rows.map((row) => row[path][delayKey]);
  const polls = rows.map((row) => row[path].polls);
  return {
    delay: { median: round(quantile(delays, 0.5)), p90: round(quantile(delays, 0.9)), max: round(Math.max(...delays)), min: round(Math.min(...delays)) },
    polls: { median: quantile(polls, 0.5), mean: round(polls.reduce((sum, value) => sum + value, 0) / polls.length), max: Math.max(...polls), total: polls.reduce((sum, value) => sum + value, 0) },
  };
}

function exportFigures(rows, withRelay) {
  const seed = pathFigures(rows, "seed");
  const lengths = rows.map((row) => row.seed.seconds);
  const excess = rows.map((row) => row.seed.excessSeconds);
  const figures = {
    renderSeconds: { min: round(Math.min(...lengths), 1), max: round(Math.max(...lengths), 1) },
    seed,
    seedExcess: { median: round(quantile(excess, 0.5)), max: round(Math.max(...excess)) },
  };
  if (!withRelay) return figures;
  const relay = pathFigures(rows, "relay");
  const relayJob = rows.every((row) => row.relay.jobDelaySeconds !== null) ? pathFigures(rows, "relay", "jobDelaySeconds") : null;
  const sameLengths = rows.every((row) => Math.abs(row.relay.seconds - row.seed.seconds) < 0.05);
  return {
    ...figures,
    relay,
    relayJob,
    sameLengths,
    ratio: {
      delayMedian: seed.delay.median > 0 ? round(relay.delay.median / seed.delay.median) : null,
      delayP90: seed.delay.p90 > 0 ? round(relay.delay.p90 / seed.delay.p90) : null,
      polls: round(relay.polls.total / seed.polls.total),
    },
    target: {
      medianDelay: relay.delay.median <= TARGET_MEDIAN_S,
      polls: relay.polls.total <= seed.polls.total,
      pass: relay.delay.median <= TARGET_MEDIAN_S && relay.polls.total <= seed.polls.total,
    },
  };
}
