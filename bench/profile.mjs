/**
 * A CPU profile of the relay under the streams load (`node bench/profile.mjs [streams] [rounds]`, 50 and 2 by
 * default): the stand-in and a relay as the bench starts them, and during each measured relay run a V8 CPU profile
 * taken over workerd's inspector (the Chrome DevTools protocol on wrangler's `--inspector-port`, from Node's own
 * WebSocket). Prints the top frames by self time, the time by source module (from esbuild's `// file` markers in the
 * bundle workerd runs) and by step of an event's walk, and writes the profiles to `$BENCH_PROFILE_DIR`
 * (default a temporary directory) to open in DevTools. `BENCH_HEAP=1` also takes a heap snapshot's totals before
 * and after. Not part of `npm run bench`: a tool for finding where the time goes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts, killAllNow, logTails, ROOT, startProcess, startWrangler, stopAll } from "./servers.mjs";
import { benchStreams } from "./streams.mjs";

const [count = 50, rounds = 2] = process.argv.slice(2).map(Number);
const OUT = process.env.BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), "promptreel-profile-"));
mkdirSync(OUT, { recursive: true });
process.on("exit", killAllNow);
const STATE = mkdtempSync(join(tmpdir(), "promptreel-profile-state-"));

/** The smallest CDP client: one WebSocket, numbered calls, events ignored. */
async function inspect(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((each) => /promptreel/.test(each.title ?? each.url ?? "")) ?? targets[0];
  // wrangler's inspector proxy wants an `Origin`; Node's WebSocket (undici) takes headers as an option.
  const socket = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: "http://127.0.0.1" } });
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let next = 0;
  const waiting = new Map();
  const listeners = new Map();
  socket.onmessage = ({ data }) => {
    const message = JSON.parse(data);
    // wrangler's proxy answers calls of its own too: only ours are waited for.
    if (message.id !== undefined && waiting.has(message.id)) {
      const { resolve, reject } = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) reject(new Error(`${message.error.message}`));
      else resolve(message.result);
    } else listeners.get(message.method)?.(message.params);
  };
  return {
    title: target.title,
    call: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params }));
      }),
    on: (method, listener) => listeners.set(method, listener),
    close: () => socket.close(),
  };
}

/** Module of each line of the bundle: esbuild starts each module with `// path/to/file.ts`. */
function moduleLines(source) {
  const lines = source.split("\n");
  const modules = [];
  let current = "(bundle)";
  for (const line of lines) {
    const marker = /^\/\/ ((?:node_modules|worker|\.\.\/|bench)[^\s]*\.(?:m?[jt]s|json))$/.exec(line);
    if (marker) current = marker[1].replace(/^.*node_modules\//, "node_modules/");
    modules.push(current);
  }
  return modules;
}

/** Where an event's CPU goes, by module (and a few frames by name). */
function stepOf(module, name) {
  if (name === "(garbage collector)") return "GC";
  if (name === "(program)") return "workerd outside JavaScript (I/O, streams, RPC)";
  if (name === "(idle)") return "idle";
  if (/eventsource-parser/.test(module)) return "SSE parsing (eventsource-parser)";
  if (/nemo\/events/.test(module)) return "event reading (nemo/events.ts)";
  if (/chat\/relay/.test(module)) return "relay loop (chat/relay.ts)";
  if (/chat\/translate/.test(module)) return "translation (chat/translate.ts)";
  if (/chat\/journal|chat\/table/.test(module)) return "journal (chat/journal.ts, table.ts)";
  if (/chat\/turns/.test(module)) return "turns (chat/turns.ts)";
  if (/worker\/sse/.test(module)) return "SSE framing and publish (sse.ts)";
  if (/zod/.test(module)) return "zod";
  if (/hono/.test(module)) return "hono (routing, the Worker's request)";
  if (/^worker\//.test(module)) return `other worker code (${module})`;
  if (/native|^$/.test(module) || module === "(bundle)") return `runtime built-ins (${name})`;
  return module;
}

function analyse(profile, scripts) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const frames = new Map();
  const steps = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const lines = scripts.get(callFrame.scriptId);
    const module = lines ? (lines[callFrame.lineNumber] ?? "(bundle)") : callFrame.url || "";
    const name = callFrame.functionName || "(anonymous)";
    const key = `${name} ${module}${lines ? `:${callFrame.lineNumber + 1}` : ""}`;
    frames.set(key, (frames.get(key) ?? 0) + us);
    const step = stepOf(module, name);
    steps.set(step, (steps.get(step) ?? 0) + us);
    total += us;
  }
  const busy = total - (steps.get("idle") ?? 0);
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([what, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${what}`);
  return { total, busy, top: top(frames, 40), steps: top(steps, 30) };
}

const [standinPort, relayPort, inspectorPort] = await freePorts(3, Number(process.env.BENCH_PORT_FROM ?? 8793));
const standinUrl = `http://127.0.0.1:${standinPort}`;
try {
  await startProcess({
    name: "stand-in",
    command: process.execPath,
    args: [`${ROOT}bench/standin.mjs`, String(standinPort), "40", "50"],
    ready: async () => (await fetch(`${standinUrl}/api/credits/balance/simple`)).ok,
  });
  const relay = await startWrangler({
    name: "relay (stand-in)",
    args: [
      ...["-c", "wrangler.toml", "--var", `NEMO_API_BASE:${standinUrl}`, "--var", "ANONYMOUS_ACCOUNTS_PER_WEEK:1000000"],
      ...["--var", "MESSAGES_PER_MINUTE:1000000", "--persist-to", join(STATE, "streams")],
    ],
    port: relayPort,
    inspectorPort,
    readyPath: "/health",
  });
  const cdp = await inspect(inspectorPort);
  console.log(`profile: inspecting ${cdp.title}`);
  const scripts = new Map();
  cdp.on("Debugger.scriptParsed", (script) => scripts.set(script.scriptId, script));
  await cdp.call("Debugger.enable");
  await cdp.call("Profiler.enable");
  await cdp.call("Profiler.setSamplingInterval", { interval: 200 });
  const heap = async (label) => {
    if (process.env.BENCH_HEAP !== "1") return;
    const usage = await cdp.call("Runtime.getHeapUsage");
    console.log(`profile: heap ${label}: used ${(usage.usedSize / 1e6).toFixed(1)} MB of ${(usage.totalSize / 1e6).toFixed(1)} MB`);
  };
  let n = 0;
  const around = async (path, _count, measure) => {
    if (path.name !== "relay") return measure();
    await heap("before");
    await cdp.call("Profiler.start");
    const cpu = relay.workerdPid;
    const result = await measure();
    const { profile } = await cdp.call("Profiler.stop");
    await heap("after");
    const file = join(OUT, `relay-${count}-${++n}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const lines = new Map();
    for (const [id, script] of scripts) {
      if (!script.url || script.url.startsWith("node:") || script.length < 10_000) continue;
      const { scriptSource } = await cdp.call("Debugger.getScriptSource", { scriptId: id }).catch(() => ({ scriptSource: "" }));
      lines.set(id, moduleLines(scriptSource));
    }
    const events = result.reduce((sum, stream) => sum + stream.delays.length, 0);
    const { total, busy, top, steps } = analyse(profile, lines);
    console.log(`\nprofile ${n} (${file}): ${count} streams, ${events} events, ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms not idle = ${(busy / 1000 / events).toFixed(3)} ms per event (workerd ${cpu})`);
    console.log("by step (self time):\n" + steps.join("\n"));
    console.log("top frames (self time):\n" + top.join("\n"));
    return result;
  };
  await benchStreams({
    paths: [
      { name: "direct", url: standinUrl },
      { name: "relay", url: relay.url, pids: [relay.workerdPid, relay.proxyPid] },
    ],
    counts: [count],
    rounds,
    events: 40,
    intervalMs: 50,
    around,
  });
  cdp.close();
} catch (error) {
  console.error(error);
  for (const { name, lines } of logTails()) console.error(`--- ${name} ---\n${lines.join("\n")}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
