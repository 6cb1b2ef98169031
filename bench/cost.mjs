import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createParser } from "eventsource-parser";
import { cpuSeconds, ROOT } from "./servers.mjs";
import { MB, now, sleep } from "./stats.mjs";
import { PRICES } from "./prices.mjs";

/**
 * What one video costs: a visitor makes one the way the page does (a visitor and a session, a generation message
 * and an edit, each followed by the timeline and the credits, then an export followed live to `completed` and
 * the MP4 downloaded), on the emulator with its time scaled. Each step is counted: the Worker requests (the
 * bench's own), the Durable Object requests (RPC calls and alarms, from a streaming tail Worker's onset events),
 * KV and R2 operations of the Worker's requests (their tail spans), the calls NemoVideo received (the emulator's
 * log), the relay's CPU time (its workerd's /proc figures, less the idle rate) and the Durable Object's billed
 * wall time (while a request or a stream of it is open: the turns and the export, converted to real time). An
 * upload in parts through R2 is priced apart, since not every video has one.
 */

/** The relay's wrangler.toml with the bench's tail Worker added, written into `dir` (paths made absolute). */
export function tailedConfig(dir) {
  const toml = readFileSync(`${ROOT}wrangler.toml`, "utf8")
    .replace('main = "worker/index.ts"', `main = "${ROOT}worker/index.ts"`)
    .replace('directory = "./dist/client"', `directory = "${ROOT}dist/client"`)
    .replace(/^(compatibility_date = .*)$/m, '$1\nstreaming_tail_consumers = [{ service = "promptreel-bench-tail" }]');
  writeFileSync(join(dir, "relay-tailed.toml"), toml);
  return ["-c", join(dir, "relay-tailed.toml"), "-c", "bench/tail/wrangler.toml"];
}

/** The bench-tail lines wrangler printed since `from`, parsed. */
const tailSince = (server, from) =>
  server.captured.slice(from).map((line) => JSON.parse(line.slice(line.indexOf("{"))));

/** Counts what the tail saw: Durable Object requests by kind, and the KV and R2 operations of Worker requests. */
function tally(lines) {
  const counts = { doRequests: 0, alarms: 0, kvReads: 0, kvWrites: 0, r2ClassA: 0, r2ClassB: 0 };
  for (const line of lines) {
    if (line.k === "onset" && line.model === "durableObject") line.type === "alarm" ? counts.alarms++ : counts.doRequests++;
    if (line.k !== "span") continue;
    if (/^kv_(get|getWithMetadata)/.test(line.name)) counts.kvReads++;
    else if (/^kv_(put|delete|list)/.test(line.name)) counts.kvWrites++;
    else if (/^r2_(get|head)/.test(line.name)) counts.r2ClassB++;
    else if (/^r2_/.test(line.name)) counts.r2ClassA++;
  }
  return counts;
}

/** A client of the relay that counts its own requests (each is one Worker request). */
function client(base) {
  const counter = { requests: 0 };
  const call = async (path, { method = "GET", key, json, body, headers = {} } = {}) => {
    counter.requests++;
    const response = await fetch(path.startsWith("http") ? path : path.startsWith("/api/") ? `${base}${path}` : `${base}/api/v1${path}`, {
      method,
      headers: { ...headers, ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(json ? { "content-type": "application/json" } : {}) },
      body: json ? JSON.stringify(json) : body,
      duplex: body ? "half" : undefined,
      signal: AbortSignal.timeout(120_000),
    });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    return response;
  };
  /** Reads an event stream until `until(event)` holds; answers the events. */
  const stream = async (path, options, until) => {
    const events = [];
    const parser = createParser({ onEvent: ({ event, data }) => events.push({ event, data: JSON.parse(data) }) });
    const response = await call(path, options);
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (events.some(until)) break;
    }
    await response.body.cancel().catch(() => {});
    return events;
  };
  return { counter, call, stream };
}

/**
 * Runs one video (and one upload) against `emulator` at time `scale`, step by step, on `tailed` (started with
 * `tailedConfig`) for the counts and on `relay` for the CPU time and the Durable Object's, and prices it with PRICES.
 */
export async function benchCost({ relay, tailed, emulator, scale, uploadMB = 40 }) {
  // Counted on the relay with the tail Worker; timed on the plain one, whose CPU the tail Worker would swell.
  const counted = await oneVideo({ relay: tailed, emulator, scale, uploadMB });
  const timed = await oneVideo({ relay, emulator, scale, uploadMB });
  const steps = counted.map((step, i) => ({ ...step, cpuMs: timed[i].cpuMs, doWallSeconds: timed[i].doWallSeconds }));
  const video = steps.slice(0, -1);
  const sum = (list, field) => list.reduce((total, item) => total + item[field], 0);
  const total = Object.fromEntries(
    ["workerRequests", "doRequests", "alarms", "kvReads", "kvWrites", "r2ClassA", "r2ClassB", "upstreamCalls", "cpuMs", "doWallSeconds"].map((field) => [field, Math.round(sum(video, field) * 10) / 10]),
  );
  return { scale, steps, video: total, cost: { video: price(total), upload: price(steps.at(-1)) }, prices: PRICES };
}

/** One video, then one upload, step by step on `relay`: what each step counted and cost. */
async function oneVideo({ relay, emulator, scale, uploadMB }) {
  await fetch(`${emulator.url}/__emulator/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ timeScale: scale, anonTokensPerIp: 0, partialText: true }),
  });
  const { counter, call, stream } = client(relay.url);
  const upstreamCalls = async () => (await (await fetch(`${emulator.url}/__emulator/requests`)).json()).requests.length;
  const idleStart = cpuSeconds(relay.workerdPid);
  await sleep(1000);
  const idleRate = cpuSeconds(relay.workerdPid) - idleStart;

  const steps = [];
  const step = async (name, work, { open = false } = {}) => {
    const before = { requests: counter.requests, tail: relay.captured?.length ?? 0, upstream: await upstreamCalls(), cpu: cpuSeconds(relay.workerdPid), at: now() };
    await work();
    await sleep(300); // the tail's last lines of the step
    const seconds = (now() - before.at) / 1000;
    steps.push({
      name,
      workerRequests: counter.requests - before.requests,
      ...tally(relay.captured ? tailSince(relay, before.tail) : []),
      upstreamCalls: (await upstreamCalls()) - before.upstream,
      cpuMs: Math.max(0, Math.round((cpuSeconds(relay.workerdPid) - before.cpu - idleRate * seconds) * 1000)),
      // While one of its requests or streams is open the object can't hibernate: billed, in real seconds.
      doWallSeconds: open ? Math.round(((seconds - 0.3) / scale) * 10) / 10 : 0,
    });
  };

  let visitor, sessionId, exportId, downloadUrl;
  await step("visitor and session", async () => {
    visitor = await (await call("/visitors", { method: "POST" })).json();
    ({ sessionId } = await (await call("/sessions", { method: "POST", key: visitor.key, json: { language: "en" } })).json());
  });
  // A generation spends 100 credits, an edit 50: more than an anonymous account's 100.
  const { tokens } = await (await fetch(`${emulator.url}/__emulator/tokens`)).json();
  for (const { userId } of tokens)
    await fetch(`${emulator.url}/__emulator/users/credits`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId, available: 1_000_000 }) });
  const turn = (text) => async () => {
    await stream(`/sessions/${sessionId}/messages`, { method: "POST", key: visitor.key, json: { text } }, (e) => e.event === "done");
    await call(`/sessions/${sessionId}`, { key: visitor.key });
    await call("/credits", { key: visitor.key });
  };
  await step("a generation message (+ timeline, credits)", turn("generate a video of a fox running through the snow"), { open: true });
  await step("an edit message (+ timeline, credits)", turn("add upbeat music"), { open: true });
  await step("export, followed live to completed", async () => {
    ({ exportId } = await (await call(`/sessions/${sessionId}/exports`, { method: "POST", key: visitor.key, json: {} })).json());
    const events = await stream(`/exports/${exportId}/events`, { key: visitor.key }, (e) => ["completed", "failed"].includes(e.data.status));
    downloadUrl = events.at(-1).data.downloadUrl;
  }, { open: true });
  await step("the MP4 downloaded", async () => {
    await (await call(downloadUrl)).arrayBuffer();
  });
  const size = uploadMB * MB;
  await step(`an upload of ${uploadMB} MB in parts (R2)`, async () => {
    const upload = await (await call(`/sessions/${sessionId}/uploads/resumable`, { method: "POST", key: visitor.key, json: { name: "clip.mp4", size } })).json();
    const block = Buffer.alloc(upload.partSize, 7);
    for (let n = 1; n <= upload.partCount; n++) {
      const length = Math.min(upload.partSize, size - (n - 1) * upload.partSize);
      await call(`/uploads/${upload.uploadId}/parts/${n}`, { method: "PUT", key: visitor.key, body: block.subarray(0, length) });
    }
    await call(`/uploads/${upload.uploadId}/complete`, { method: "POST", key: visitor.key });
  });

  return steps;
}

/** Dollars, item by item, on Workers Paid list prices beyond the included amounts. */
function price(use) {
  const p = PRICES.perMillion;
  const items = {
    workerRequests: use.workerRequests * p.workerRequests,
    workerCpu: use.cpuMs * p.workerCpuMs,
    doRequests: (use.doRequests + use.alarms) * p.doRequests,
    doDuration: use.doWallSeconds * PRICES.doMemoryGB * p.doGBs,
    kv: use.kvReads * p.kvReads + use.kvWrites * p.kvWrites,
    r2: use.r2ClassA * p.r2ClassA + use.r2ClassB * p.r2ClassB,
  };
  const dollars = Object.fromEntries(Object.entries(items).map(([key, perMillion]) => [key, perMillion / 1e6]));
  return { ...dollars, total: Object.values(dollars).reduce((a, b) => a + b, 0) };
}
