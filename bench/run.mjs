/**
 * PromptReel's benchmarks (`npm run bench [streams|chat|upload|export|cost|size|page …]`, all by default): the
 * relay under load against a direct connection and nginx, SSE relay latency, upload memory and throughput, export
 * completion delay, what one video costs, the bundle's size and the page's Lighthouse scores, on loopback. Starts
 * what each part needs (wrangler, the emulator, a NemoVideo stand-in, nginx), measures, prints tables, writes
 * bench/results/latest.json and bench/results.md, and always stops what it started. See bench/README.md.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { benchChat } from "./chat.mjs";
import { benchCost, tailedConfig } from "./cost.mjs";
import { benchDrill } from "./drill.mjs";
import { benchExport } from "./export.mjs";
import { startNginx } from "./nginx.mjs";
import { benchPage } from "./page.mjs";
import { resultsMarkdown } from "./report.mjs";
import { freePorts, killAllNow, logTails, ROOT, startProcess, startWrangler, stopAll, wranglerVersion } from "./servers.mjs";
import { benchSize } from "./size.mjs";
import { MB } from "./stats.mjs";
import { benchStreams } from "./streams.mjs";
import { benchUpload } from "./upload.mjs";
import { printResults } from "./table.mjs";

const PARTS = ["streams", "chat", "upload", "export", "cost", "size", "page", "drill"];
const asked = process.argv.slice(2);
const unknown = asked.filter((part) => !PARTS.includes(part));
if (unknown.length) {
  console.error(`unknown part ${unknown.join(", ")}: usage: node bench/run.mjs [${PARTS.join("|")} …] (all by default)`);
  process.exit(2);
}
const parts = new Set(asked.length ? asked : PARTS);
// The uploads go into the chat benchmark's sessions; the page is the one the size part builds.
if (parts.has("upload")) parts.add("chat");
if (parts.has("page")) parts.add("size");
const needsEmulator = ["chat", "upload", "export", "cost", "page"].some((part) => parts.has(part));

const SETTINGS = {
  timeScale: 0.005,
  turns: Number(process.env.BENCH_TURNS ?? 20),
  // The largest twice: retained bytes would grow memory again by as much; garbage collected late would not.
  uploadSizes: [20 * MB, 200 * MB, 200 * MB],
  // Exports run slower: a render lasts 20–80 s before scaling, and what is measured (seconds after it finished)
  // should not be lost in the milliseconds loopback costs. Both the emulator and the relay's jobs run at this scale.
  exportTimeScale: Number(process.env.BENCH_EXPORT_SCALE ?? 0.5),
  // The relay under load: streams at once, each of `streamEvents` text events one every `streamIntervalMs`.
  streamCounts: [1, 50, 200],
  streamRounds: Number(process.env.BENCH_STREAM_ROUNDS ?? 3),
  streamEvents: 40,
  streamIntervalMs: 50,
  // BENCH_STREAM_SPREAD=1: the streams of a run start spread over one interval rather than together.
  streamSpread: process.env.BENCH_STREAM_SPREAD === "1",
  // One video in the cost part: a generation of 100–300 s and a render of 30–90 s take 5–15 s and 1.5–4.5 s.
  costTimeScale: 0.05,
};
// Renders (80 s at most, plus a 30 s cadence's wait) at the export scale, with room to spare; the drill's two rounds.
SETTINGS.deadlineMs =
  (parts.has("chat") ? 150_000 : 30_000) +
  (parts.has("export") ? 30_000 + 600_000 * SETTINGS.exportTimeScale : 0) +
  (parts.has("streams") ? 120_000 + 60_000 * SETTINGS.streamRounds : 0) +
  (parts.has("cost") ? 120_000 : 0) +
  (parts.has("size") ? 90_000 : 0) +
  (parts.has("page") ? 300_000 : 0) +
  (parts.has("drill") ? 240_000 : 0);
const RESULTS = `${ROOT}bench/results`;
/** A throwaway store for the relay's KV and Durable Objects, so the bench never touches .wrangler/state. */
const STATE = mkdtempSync(join(tmpdir(), "promptreel-bench-"));

let stopping = false;
async function finish(code, error) {
  if (stopping) return;
  stopping = true;
  if (code > 128) console.error("\nbench interrupted: stopping its servers");
  if (error) {
    console.error(`\nbench failed: ${error.stack ?? error}`);
    for (const { name, lines } of logTails()) console.error(`\n--- last lines of ${name} ---\n${lines.join("\n")}`);
  }
  await stopAll();
  rmSync(STATE, { recursive: true, force: true });
  process.exit(code);
}
process.on("exit", killAllNow);
process.on("SIGINT", () => finish(130));
process.on("SIGTERM", () => finish(143));
setTimeout(() => finish(1, new Error(`over ${SETTINGS.deadlineMs / 1000} s: stopped`)), SETTINGS.deadlineMs).unref();

/** An operator token in .dev.vars would switch the relay to the shared account: the emulator must know it too. */
function operatorToken() {
  const file = `${ROOT}.dev.vars`;
  if (!existsSync(file)) return undefined;
  return /^\s*NEMO_TOKEN\s*=\s*"?([^"\s]+)"?/m.exec(readFileSync(file, "utf8"))?.[1];
}

/** The parts of the previous results file that this run does not measure again. */
function earlierParts(parts) {
  const file = `${RESULTS}/latest.json`;
  if (!existsSync(file)) return {};
  try {
    const earlier = JSON.parse(readFileSync(file, "utf8"));
    return Object.fromEntries(PARTS.filter((part) => !parts.has(part) && earlier[part]).map((part) => [part, { date: earlier.date, ...earlier[part] }]));
  } catch {
    return {};
  }
}

/** The relay under load, on servers of its own: the NemoVideo stand-in, nginx in front of it, and a relay to it. */
async function measureStreams() {
  const [standinPort, nginxPort, relayPort, inspectorPort] = await freePorts(4);
  const standinUrl = `http://127.0.0.1:${standinPort}`;
  const standin = await startProcess({
    name: "stand-in",
    command: process.execPath,
    args: [`${ROOT}bench/standin.mjs`, String(standinPort), String(SETTINGS.streamEvents), String(SETTINGS.streamIntervalMs)],
    ready: async () => (await fetch(`${standinUrl}/api/credits/balance/simple`)).ok,
  });
  const nginx = await startNginx({ port: nginxPort, upstreamPort: standinPort, dir: STATE });
  // A loopback upstream: the relay signs with its development secret, no other setup needed. A visitor per stream,
  // each with a free account of the stand-in's and a message in every run: the deployment's weekly budget of free
  // accounts and the messages a visitor may send a minute (issue 14) are raised for the bench.
  const relay = await startWrangler({
    name: "relay (stand-in)",
    args: [
      ...["-c", "wrangler.toml", "--var", `NEMO_API_BASE:${standinUrl}`, "--var", "ANONYMOUS_ACCOUNTS_PER_WEEK:1000000"],
      ...["--var", "MESSAGES_PER_MINUTE:1000000"],
      ...["--persist-to", join(STATE, "streams")],
    ],
    port: relayPort,
    inspectorPort,
    readyPath: "/health",
  });
  try {
    const streams = await benchStreams({
      paths: [
        { name: "direct", url: standinUrl },
        // nginx runs as one process (`master_process off`): its CPU per event is the baseline for the relay's.
        nginx.skipped ? { name: "nginx", skipped: nginx.skipped } : { name: "nginx", url: nginx.url, pids: [nginx.server.pid] },
        { name: "relay", url: relay.url, pids: [relay.workerdPid, relay.proxyPid] },
      ],
      counts: SETTINGS.streamCounts,
      rounds: SETTINGS.streamRounds,
      events: SETTINGS.streamEvents,
      intervalMs: SETTINGS.streamIntervalMs,
      spread: SETTINGS.streamSpread,
    });
    return { streams, nginx: nginx.version };
  } finally {
    await Promise.all([standin.stop(), relay.stop(), nginx.server?.stop()]);
  }
}

/**
 * The cost of one video against the running emulator, on two relays of its own with the cost part's job timings:
 * one with the bench's tail Worker beside it (the counts), one without (the CPU time, which the tail would swell).
 */
async function measureCost(emulator) {
  const [port, tailedPort, ...inspectorPorts] = await freePorts(4);
  const common = ["--var", `NEMO_API_BASE:${emulator.url}`, "--var", `JOB_TIME_SCALE:${SETTINGS.costTimeScale}`];
  const tailed = await startWrangler({
    name: "relay (tailed)",
    args: [...tailedConfig(STATE), ...common, "--persist-to", join(STATE, "cost-tailed")],
    port: tailedPort,
    inspectorPort: inspectorPorts[0],
    readyPath: "/health",
  });
  const relay = await startWrangler({
    name: "relay (cost)",
    args: ["-c", "wrangler.toml", ...common, "--persist-to", join(STATE, "cost")],
    port,
    inspectorPort: inspectorPorts[1],
    readyPath: "/health",
  });
  try {
    return await benchCost({ relay, tailed, emulator, scale: SETTINGS.costTimeScale });
  } finally {
    await Promise.all([relay.stop(), tailed.stop()]);
  }
}

async function main() {
  const startedAt = Date.now();
  const loadBefore = loadavg().map((load) => load.toFixed(2)).join(" ");
  // The relay serves assets from dist/client; wrangler refuses to start when the folder is missing.
  mkdirSync(`${ROOT}dist/client`, { recursive: true });
  const date = new Date(startedAt).toISOString();
  const measured = {};
  let nginxVersion;
  // First: it runs `vite build`, whose page the page part serves.
  if (parts.has("size")) measured.size = { date, ...benchSize() };
  if (parts.has("streams")) {
    const { streams, nginx } = await measureStreams();
    measured.streams = { date, ...streams };
    nginxVersion = nginx;
  }

  let startupSeconds;
  if (needsEmulator) {
    const ready = Date.now();
    const [emulatorPort, relayPort, ...inspectorPorts] = await freePorts(4);
    const emulator = await startWrangler({
      name: "emulator",
      args: ["-c", "emulator/wrangler.toml", "--var", `TIME_SCALE:${SETTINGS.timeScale}`],
      port: emulatorPort,
      inspectorPort: inspectorPorts[0],
      readyPath: "/",
    });
    const relay = await startWrangler({
      name: "relay",
      args: [
        // Explicit: after `vite build`, .wrangler/deploy/config.json sends a bare `wrangler dev` to Vite's bundle
        // in dist/, which may be stale; the source Worker is what is measured.
        ...["-c", "wrangler.toml"],
        ...["--var", `NEMO_API_BASE:${emulator.url}`],
        // The chat part sends turn after turn from one visitor: more than the 6 messages a minute a visitor may send.
        ...["--var", "MESSAGES_PER_MINUTE:1000000"],
        // Every visitor of the bench comes from 127.0.0.1: more than the 3 free accounts a network gets a week.
        ...["--var", "ACCOUNTS_PER_NETWORK_PER_WEEK:1000000"],
        // Job timings (the render poll schedule, backoffs) scaled like the emulator's renders in the export part.
        ...["--var", `JOB_TIME_SCALE:${SETTINGS.exportTimeScale}`],
        ...["--persist-to", STATE],
      ],
      port: relayPort,
      inspectorPort: inspectorPorts[1],
      readyPath: "/health",
    });
    const token = operatorToken();
    if (token) {
      const registered = await fetch(`${emulator.url}/__emulator/users`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token, available: 1_000_000 }),
      });
      if (!registered.ok) throw new Error(`the emulator refused .dev.vars' NEMO_TOKEN: HTTP ${registered.status}`);
    }
    startupSeconds = (Date.now() - ready) / 1000;

    if (parts.has("chat")) {
      const chat = await benchChat({ emulator: emulator.url, relay: relay.url, turns: SETTINGS.turns });
      measured.chat = { date, ...chat.figures, raw: chat.turns };
      if (parts.has("upload"))
        measured.upload = { date, ...(await benchUpload({ relay, emulator, targets: chat.uploadTargets, sizes: SETTINGS.uploadSizes })) };
    }
    if (parts.has("export")) measured.export = { date, ...(await benchExport({ emulator: emulator.url, relay: relay.url, scale: SETTINGS.exportTimeScale })) };
    if (parts.has("page")) measured.page = { date, ...benchPage({ url: `${relay.url}/` }) };
    if (parts.has("cost")) {
      // Its two relays need the ports of this one.
      await relay.stop();
      measured.cost = { date, ...(await measureCost(emulator)) };
    }
  }
  // Its own emulator and relays (fresh state, its own budgets): after the others, so none of them shares the machine.
  if (parts.has("drill")) measured.drill = { date, ...(await benchDrill()) };

  const results = {
    date,
    parts: PARTS.filter((part) => parts.has(part)),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGB: Math.round(totalmem() / 1e9),
      os: osName(),
      node: process.version,
      nginx: nginxVersion,
      loadBefore,
      loadAfter: loadavg().map((load) => load.toFixed(2)).join(" "),
    },
    wrangler: wranglerVersion(),
    settings: { ...SETTINGS, uploadSizes: SETTINGS.uploadSizes.map((size) => size / MB), operatorToken: Boolean(operatorToken()) },
    startupSeconds,
    // A part not run this time keeps its figures from the previous file, with their own date.
    ...earlierParts(parts),
    ...measured,
    totalSeconds: (Date.now() - startedAt) / 1000,
  };
  printResults(results);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}/latest.json.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${RESULTS}/latest.json.tmp`, `${RESULTS}/latest.json`);
  const markdown = resultsMarkdown(results);
  console.log(`\n${markdown}`);
  writeFileSync(`${ROOT}bench/results.md`, markdown);
  console.log(`\nwritten to bench/results/latest.json and bench/results.md (${results.totalSeconds.toFixed(1)} s in all)`);
}

/** The operating system, as /etc/os-release names it. */
function osName() {
  try {
    return /^PRETTY_NAME="?([^"\n]+)/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? "Linux";
  } catch {
    return "Linux";
  }
}

main().then(
  () => finish(0),
  (error) => finish(1, error),
);
