/**
 * PromptReel's benchmarks (`npm run bench`): SSE relay latency and upload memory, on loopback, against the
 * embedded emulator. Starts both Workers with wrangler, measures, prints a table, writes bench/results/latest.json,
 * and always stops what it started. See bench/README.md.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { benchChat } from "./chat.mjs";
import { freePorts, killAllNow, logTails, ROOT, startWrangler, stopAll, wranglerVersion } from "./servers.mjs";
import { MB } from "./stats.mjs";
import { benchUpload } from "./upload.mjs";
import { printResults } from "./table.mjs";

const SETTINGS = {
  timeScale: 0.005,
  turns: Number(process.env.BENCH_TURNS ?? 20),
  // The largest twice: retained bytes would grow memory again by as much; garbage collected late would not.
  uploadSizes: [20 * MB, 200 * MB, 200 * MB],
  deadlineMs: 150_000,
};
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

  const chat = await benchChat({ emulator: emulator.url, relay: relay.url, turns: SETTINGS.turns });
  const upload = await benchUpload({ relay, emulator, targets: chat.uploadTargets, sizes: SETTINGS.uploadSizes });

  const results = {
    date: new Date(startedAt).toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 1e9), node: process.version },
    wrangler: wranglerVersion(),
    settings: { ...SETTINGS, uploadSizes: SETTINGS.uploadSizes.map((size) => size / MB), operatorToken: Boolean(token) },
    startupSeconds: (ready - startedAt) / 1000,
    chat: { ...chat.figures, raw: chat.turns },
    upload,
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
