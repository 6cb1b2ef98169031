import { createParser } from "eventsource-parser";
import { now, ratio, summary } from "./stats.mjs";

/**
 * The same conversation is held twice, turn by turn: directly with the emulator's `/run_sse` (the baseline) and
 * through the relay. Every turn uses a tool, so each stream opens with an event at once (the tool call) and ends
 * with a burst (result, text) when the emulator's scaled duration has passed. The emulator's request log says
 * when each `/run_sse` arrived there, which splits the relay's cost in two: the work before it calls upstream
 * (setup) and the delay it adds to each upstream event (per event).
 */
const CONVERSATION = [
  "generate a video of a fox running through the snow",
  "add upbeat music",
  "make it louder",
  'change the title to "Winter Fox"',
  "make it shorter",
  'add text saying "hello"',
  "make the music quieter",
  "make it longer",
  "remove the text",
  "change the music to jazz",
];
/** Unmeasured: the first request of each path compiles code and warms connections. */
const WARM_UP = "hello, what can you do?";
const ATTRIBUTION = { "X-Skill-Source": "promptreel-bench", "X-Skill-Version": "1", "X-Skill-Platform": "node" };
const TURN_TIMEOUT_MS = 20_000;

async function json(url, { method = "POST", headers = {}, body } = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** POSTs JSON and reads the event stream, noting when each event arrived (ms after the request was sent). */
async function timedStream(url, headers, body) {
  const sentAt = now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TURN_TIMEOUT_MS),
  });
  if (!response.ok || !(response.headers.get("content-type") ?? "").includes("text/event-stream"))
    throw new Error(`POST ${url}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  const events = [];
  let arrivedAt = 0;
  const parser = createParser({ onEvent: ({ event, data }) => events.push({ at: arrivedAt, event, data }) });
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    arrivedAt = now() - sentAt;
    parser.feed(decoder.decode(chunk, { stream: true }));
  }
  return { sentAt, events, endedAt: now() - sentAt };
}

/** What an ADK event is: call, result, partial, text or error. */
function adkKind(data) {
  const event = JSON.parse(data);
  const part = event.content?.parts?.[0] ?? {};
  if (event.errorCode || event.error) return "error";
  if (part.functionCall) return "call";
  if (part.functionResponse) return "result";
  if (typeof part.text === "string") return event.partial ? "partial" : "text";
  return "other";
}

/** Talking straight to the emulator: an anonymous token, a session, and `/run_sse` for each message. */
async function openDirect(emulator) {
  const { data: token } = await json(`${emulator}/api/auth/anonymous-token`, {
    headers: { "X-Client-Id": `bench-${crypto.randomUUID()}` },
  });
  const auth = { Authorization: `Bearer ${token.token}`, ...ATTRIBUTION };
  const { data: session } = await json(`${emulator}/api/tasks/me/with-session/nemo_agent`, {
    headers: auth,
    body: { task_name: "bench", language: "en" },
  });
  return {
    uploadTarget: { path: `/api/upload-video/nemo_agent/me/${session.session_id}`, headers: { Authorization: auth.Authorization } },
    send: async (text) => {
      const stream = await timedStream(`${emulator}/run_sse`, auth, {
        app_name: "nemo_agent",
        user_id: "me",
        session_id: session.session_id,
        new_message: { parts: [{ text }] },
      });
      const events = stream.events.map((event) => ({ ...event, kind: adkKind(event.data) }));
      if (events.some((event) => event.kind === "error")) throw new Error(`direct turn "${text}" ended with an error event`);
      return {
        ...stream,
        events: events.length,
        first: events[0]?.at,
        firstText: events.find((event) => event.kind === "partial" || event.kind === "text")?.at,
        last: events.at(-1)?.at,
      };
    },
  };
}

/** Talking through the relay: a visitor, a session, and `POST …/messages` for each message. */
async function openRelay(relay) {
  const visitor = await json(`${relay}/api/v1/visitors`);
  const auth = { Authorization: `Bearer ${visitor.key}` };
  const { sessionId } = await json(`${relay}/api/v1/sessions`, { headers: auth, body: { language: "en" } });
  return {
    uploadTarget: { path: `/api/v1/sessions/${sessionId}/uploads`, headers: auth },
    send: async (text) => {
      const stream = await timedStream(`${relay}/api/v1/sessions/${sessionId}/messages`, auth, { text });
      const events = stream.events;
      const failed = events.find((event) => event.event === "error");
      if (failed) throw new Error(`relay turn "${text}" ended with an error event: ${failed.data}`);
      if (events.at(-1)?.event !== "done") throw new Error(`relay turn "${text}" did not end with done`);
      const upstreamDerived = events.filter((event) => event.event !== "timeline" && event.event !== "done");
      return {
        ...stream,
        events: events.length,
        first: events[0].at,
        firstText: events.find((event) => event.event === "text")?.at,
        lastUpstream: upstreamDerived.at(-1)?.at,
        last: events.at(-1).at,
      };
    },
  };
}

/** Arrival time (epoch ms, the emulator's clock) of the one `/run_sse` logged since `since`. */
async function runSseArrival(emulator, since) {
  const { requests } = await json(`${emulator}/__emulator/requests?since=${since}`, { method: "GET" });
  const runs = requests.filter((request) => request.path === "/run_sse");
  if (runs.length !== 1) throw new Error(`expected one /run_sse in the emulator's log, found ${runs.length}`);
  return { at: runs[0].time, next: requests.at(-1).index + 1 };
}

/**
 * Runs `turns` turns on both paths, alternating which goes first, and returns the figures with each turn's raw
 * times. `emulator` and `relay` are base URLs.
 */
export async function benchChat({ emulator, relay, turns }) {
  await json(`${emulator}/__emulator/config`, { body: { partialText: true, editText: "always" } });
  const direct = await openDirect(emulator);
  const viaRelay = await openRelay(relay);
  // A generation costs 100 credits, an edit 50: give every account (the bench's and the relay's) plenty.
  const { tokens } = await json(`${emulator}/__emulator/tokens`, { method: "GET" });
  for (const { userId } of tokens) await json(`${emulator}/__emulator/users/credits`, { body: { userId, available: 1_000_000 } });

  let since = (await json(`${emulator}/__emulator/requests`, { method: "GET" })).requests.length;
  const timed = async (path, text) => {
    const result = await path.send(text);
    const run = await runSseArrival(emulator, since);
    since = run.next;
    // When upstream received the turn, in ms after the client sent it.
    return { ...result, upstreamAt: run.at - result.sentAt };
  };
  await timed(direct, WARM_UP);
  await timed(viaRelay, WARM_UP);

  const rows = [];
  for (let turn = 0; turn < turns; turn++) {
    const text = CONVERSATION[turn % CONVERSATION.length];
    const order = turn % 2 === 0 ? ["direct", "relay"] : ["relay", "direct"];
    const row = { turn, text };
    for (const name of order) row[name] = await timed(name === "direct" ? direct : viaRelay, text);
    rows.push(row);
  }
  return { figures: chatFigures(rows), turns: rows.map(rawTurn), uploadTargets: { direct: direct.uploadTarget, relay: viaRelay.uploadTarget } };
}

const rawTurn = ({ turn, text, direct, relay }) => {
  const times = ({ sentAt: _sentAt, ...rest }) =>
    Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, typeof value === "number" ? Math.round(value * 10) / 10 : value]));
  return { turn, text, direct: times(direct), relay: times(relay) };
};

function chatFigures(rows) {
  const of = (pick) => summary(rows.map(pick));
  const firstDirect = of((row) => row.direct.first);
  const firstRelay = of((row) => row.relay.first);
  const lastDirect = of((row) => row.direct.last);
  const lastRelay = of((row) => row.relay.last);
  return {
    turns: rows.length,
    generations: rows.filter((row) => row.text.startsWith("generate")).length,
    eventsPerTurn: { direct: of((row) => row.direct.events), relay: of((row) => row.relay.events) },
    firstEvent: {
      direct: firstDirect,
      relay: firstRelay,
      ratio: { median: ratio(firstRelay.median, firstDirect.median), p95: ratio(firstRelay.p95, firstDirect.p95) },
    },
    lastEvent: {
      direct: lastDirect,
      relay: lastRelay,
      ratio: { median: ratio(lastRelay.median, lastDirect.median), p95: ratio(lastRelay.p95, lastDirect.p95) },
    },
    overhead: {
      // Relay minus direct, per turn.
      firstEvent: of((row) => row.relay.first - row.direct.first),
      lastEvent: of((row) => row.relay.last - row.direct.last),
      // Before upstream is called: visitor key, session lookup, the Durable Object's turn lock, the token.
      setup: of((row) => row.relay.upstreamAt - row.direct.upstreamAt),
      // Upstream event → person, measured from upstream's receipt of the turn, so setup is left out.
      perEventOpen: of((row) => row.relay.first - row.relay.upstreamAt - (row.direct.first - row.direct.upstreamAt)),
      perEventReply: of((row) => row.relay.firstText - row.relay.upstreamAt - (row.direct.firstText - row.direct.upstreamAt)),
      // After upstream's last event: the state read for the timeline event, the turn lock's release, `done`.
      tail: of((row) => row.relay.last - row.relay.lastUpstream),
    },
  };
}
