import { createParser } from "eventsource-parser";
import { cpuSeconds } from "./servers.mjs";
import { now, quantile, sleep } from "./stats.mjs";

/**
 * The relay under load: `streams` chat turns at once, each a stream of text chunks from the NemoVideo stand-in
 * (bench/standin.mjs: one every `intervalMs`, each stamped with the time it was written), read three ways: straight from
 * the stand-in, through nginx as a plain reverse proxy, and through the relay (a visitor and a session each, so a
 * Durable Object each, as for that many people chatting at once; started together, or spread over one interval).
 * An event's delay is when its last byte reached
 * the reader minus its stamp; what a path adds is its delay minus the direct one at the same quantile. A path
 * with `pids` (the relay: its workerd and wrangler's proxy) also says how much CPU each process spent per event.
 */
const ATTRIBUTION = { "X-Skill-Source": "promptreel-bench", "X-Skill-Version": "1", "X-Skill-Platform": "node" };
const STREAM_TIMEOUT_MS = 90_000;
const CHUNK = /#(\d+)@([\d.]+);/g;

async function postJson(url, body, headers = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/** Reads one event stream to its end; calls `onText(text, arrivedAt)` for each chunk of words. */
async function readStream(url, headers, body, onText) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(STREAM_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
  let arrivedAt = 0;
  let last;
  const parser = createParser({
    onEvent: ({ event, data }) => {
      last = event === "error" ? `error ${data}` : (event ?? "message");
      const parsed = JSON.parse(data);
      // The relay's `text` events; or NemoVideo's own partial ADK chunks (the final whole text repeats them).
      if (event === "text") onText(parsed.text, arrivedAt);
      else if (!event && parsed.partial) onText(parsed.content.parts[0].text, arrivedAt);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    arrivedAt = now();
    parser.feed(decoder.decode(chunk, { stream: true }));
  }
  return last;
}

/** One path's turn for one reader: the chunk delays it saw, or why it did not see them all. */
async function oneStream(path, reader, events) {
  const delays = [];
  const seen = new Set();
  const onText = (text, arrivedAt) => {
    for (const [, n, stamp] of text.matchAll(CHUNK)) {
      seen.add(n);
      delays.push(arrivedAt - Number(stamp));
    }
  };
  const last =
    path.name === "relay"
      ? await readStream(`${path.url}/api/v1/sessions/${reader.sessionId}/messages`, reader.auth, { text: "stream" }, onText)
      : await readStream(`${path.url}/run_sse`, ATTRIBUTION, { new_message: { parts: [{ text: "stream" }] } }, onText);
  if (seen.size !== events) return { delays, failure: `${seen.size} of ${events} chunks, then ${last}` };
  if (path.name === "relay" && last !== "done") return { delays, failure: `ended with ${last}, not done` };
  return { delays };
}

/** `count` visitors with a session each on the relay, `parallel` at a time. */
async function openReaders(relay, count, parallel = 8) {
  const readers = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, async (_, i) => {
      // Each reader stands for a person on a network of their own: the relay allows 10 new visitors per address a minute.
      const n = start + i;
      const address = `198.51.${100 + (n >> 8)}.${n & 255}`;
      const visitor = await postJson(`${relay}/api/v1/visitors`, {}, { "CF-Connecting-IP": address });
      const auth = { Authorization: `Bearer ${visitor.key}` };
      const { sessionId } = await postJson(`${relay}/api/v1/sessions`, { language: "en" }, auth);
      return { auth, sessionId };
    });
    readers.push(...(await Promise.all(batch)));
  }
  return readers;
}

const round1 = (value) => Math.round(value * 10) / 10;
const round3 = (value) => Math.round(value * 1000) / 1000;
const figures = (delays) => ({ events: delays.length, p50: round1(quantile(delays, 0.5)), p99: round1(quantile(delays, 0.99)) });

/**
 * Runs `rounds` rounds; in each, for each number of streams, every path once (the order turning each round), all
 * streams of a run at once. `paths` are `{ name, url }` (direct, nginx, relay); a path with `skipped` is reported
 * as such. Answers per streams and path: the delays pooled over the rounds (p50, p99), each round's, and what
 * the path adds over direct. A stream that failed (a timeout, an error, events missing) is counted, not measured.
 * `around(path, count, measure)` wraps each measured run (bench/profile.mjs takes its CPU profile there).
 */
export async function benchStreams({ paths, counts, rounds, events, intervalMs, spread = false, around = (path, count, measure) => measure() }) {
  const relay = paths.find((path) => path.name === "relay");
  const readers = await openReaders(relay.url, Math.max(...counts));
  console.log(`streams: ${readers.length} visitors with a session each on the relay`);
  const live = paths.filter((path) => !path.skipped);
  // All at once, as the issue measured; or spread over one interval, as people's replies would be.
  const run = (path, count) =>
    Promise.all(
      readers.slice(0, count).map((reader, i) => sleep(spread ? (i * intervalMs) / count : 0).then(() => oneStream(path, reader, events).catch((error) => ({ delays: [], failure: error.message })))),
    );
  // Unmeasured: the first turns compile code, open connections and wake every Durable Object.
  for (const path of live) await run(path, Math.max(...counts));

  const pooled = {};
  for (let round = 0; round < rounds; round++)
    for (const count of counts)
      for (let i = 0; i < live.length; i++) {
        const path = live[(i + round) % live.length];
        const cpuBefore = path.pids?.map(cpuSeconds);
        const streams = await around(path, count, () => run(path, count));
        const delays = streams.flatMap((stream) => stream.delays);
        const failures = streams.filter((stream) => stream.failure).map((stream) => stream.failure);
        const cpu = path.pids?.map((pid, i) => ((cpuSeconds(pid) - cpuBefore[i]) * 1000) / delays.length);
        const { p50, p99 } = figures(delays);
        console.log(`streams: round ${round + 1}, ${count} at once, ${path.name}: p50 ${p50} ms, p99 ${p99} ms${failures.length ? `, ${failures.length} failed (${failures[0]})` : ""}`);
        const entry = (pooled[count] ??= {})[path.name] ??= { delays: [], rounds: [] };
        entry.delays.push(...delays);
        entry.rounds.push({ ...figures(delays), failed: failures.length, ...(cpu && { cpuMsPerEvent: cpu.map(round3) }) });
      }

  const results = [];
  for (const count of counts) {
    const byPath = pooled[count];
    const direct = figures(byPath.direct.delays);
    for (const path of paths) {
      if (path.skipped) {
        results.push({ streams: count, path: path.name, skipped: path.skipped });
        continue;
      }
      const all = figures(byPath[path.name].delays);
      const added = path.name === "direct" ? undefined : { p50: round1(all.p50 - direct.p50), p99: round1(all.p99 - direct.p99) };
      const rounds = byPath[path.name].rounds;
      const cpuMsPerEvent = rounds[0].cpuMsPerEvent?.map((_, i) => round3(rounds.reduce((sum, r) => sum + r.cpuMsPerEvent[i], 0) / rounds.length));
      const failed = rounds.reduce((sum, r) => sum + r.failed, 0);
      results.push({ streams: count, path: path.name, ...all, added, cpuMsPerEvent, failed, rounds });
    }
  }
  return { settings: { counts, rounds, events, intervalMs, eventsPerSecond: 1000 / intervalMs, spread }, results };
}
