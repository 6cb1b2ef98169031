/**
 * PromptReel's benchmarks (`npm run bench [chat|upload|export …]`, all three by default): SSE relay latency,
 * upload memory and export completion delay, on loopback, against the embedded emulator. Starts both Workers with
 * wrangler, measures, prints tables, writes bench/results/latest.json, and always stops what it started.
 * See bench/README.md.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { benchChat } from "./chat.mjs";
import { benchDrill } from "./drill.mjs";
import { benchExport } from "./export.mjs";
import { freePorts, killAllNow, logTails, ROOT, startWrangler, stopAll, wranglerVersion } from "./servers.mjs";
import { MB } from "./stats.mjs";
import { benchUpload } from "./upload.mjs";
import { printResults } from "./table.mjs";

const PARTS = ["chat", "upload", "export", "drill"];
const asked = process.argv.slice(2);
const unknown = asked.filter((part) => !PARTS.includes(part));
if (unknown.length) {
  console.error(`unknown part ${unknown.join(", ")}: usage: node bench/run.mjs [${PARTS.join("|")} …] (all by default)`);
  process.exit(2);
}
const parts = new Set(asked.length ? asked : PARTS);
// The uploads go into the chat benchmark's sessions.
if (parts.has("upload")) parts.add("chat");

const SETTINGS = {
  timeScale: 0.005,
  turns: Number(process.env.BENCH_TURNS ?? 20),
  // The largest twice: retained bytes would grow memory again by as much; garbage collected late would not.
  uploadSizes: [20 * MB, 200 * MB, 200 * MB],
  // Exports run slower: a render lasts 20–80 s before scaling, and what is measured (seconds after it finished)
  // should not be lost in the milliseconds loopback costs. Both the emulator and the relay's jobs run at this scale.
  exportTimeScale: Number(process.env.BENCH_EXPORT_SCALE ?? 0.5),
};
// Renders (80 s at most, plus a 30 s cadence's wait) at the export scale, with room to spare; the drill's two rounds.
SETTINGS.deadlineMs =
  (parts.has("chat") ? 150_000 : 30_000) + (parts.has("export") ? 30_000 + 600_000 * SETTINGS.exportTimeScale : 0) + (parts.has("drill") ? 240_000 : 0);
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

async function main() {
  const startedAt = Date.now();
  // The relay serves assets from dist/client; wrangler refuses to start when the folder is missing.
  mkdirSync(`${ROOT}dist/client`, { recursive: true });
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
  const ready = Date.now();

  const date = new Date(startedAt).toISOString();
  const measured = {};
  if (parts.has("chat")) {
    const chat = await benchChat({ emulator: emulator.url, relay: relay.url, turns: SETTINGS.turns });
    measured.chat = { date, ...chat.figures, raw: chat.turns };
    if (parts.has("upload"))
      measured.upload = { date, ...(await benchUpload({ relay, emulator, targets: chat.uploadTargets, sizes: SETTINGS.uploadSizes })) };
  }
  if (parts.has("export")) measured.export = { date, ...(await benchExport({ emulator: emulator.url, relay: relay.url, scale: SETTINGS.exportTimeScale })) };
  // Its own emulator and relays (fresh state, its own budgets): after the others, so none of them shares the machine.
  if (parts.has("drill")) measured.drill = { date, ...(await benchDrill()) };

  const results = {
    date,
    parts: PARTS.filter((part) => parts.has(part)),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 1e9), node: process.version },
    wrangler: wranglerVersion(),
    settings: { ...SETTINGS, uploadSizes: SETTINGS.uploadSizes.map((size) => size / MB), operatorToken: Boolean(token) },
    startupSeconds: (ready - startedAt) / 1000,
    // A part not run this time keeps its figures from the previous file, with their own date.
    ...earlierParts(parts),
    ...measured,
    totalSeconds: (Date.now() - startedAt) / 1000,
  };
  printResults(results);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}/latest.json.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${RESULTS}/latest.json.tmp`, `${RESULTS}/latest.json`);
  console.log(`\nwritten to bench/results/latest.json (${results.totalSeconds.toFixed(1)} s in all)`);
}

main().then(
  () => finish(0),
  (error) => finish(1, error),
);
