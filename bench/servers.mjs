import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { sleep } from "./stats.mjs";

/** The project's root: wrangler runs there, and from there Node 24 comes (`node_modules/.bin`). */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = `${ROOT}node_modules/.bin`;
const LOG_LINES = 200;

/** Every server started and not yet stopped, so that an error or Ctrl-C can stop them all. */
const running = new Set();

const portIsFree = (port) =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });

/** `count` free loopback ports from 8793–8799 (or from `BENCH_PORT_FROM`, seven of them), lowest first. */
export async function freePorts(count, from = Number(process.env.BENCH_PORT_FROM ?? 8793), to = from + 6) {
  const ports = [];
  for (let port = from; port <= to && ports.length < count; port++) if (await portIsFree(port)) ports.push(port);
  if (ports.length < count) throw new Error(`need ${count} free ports in ${from}–${to}, found ${ports.length}`);
  return ports;
}

/** pid → { ppid, comm, state } for every process, read from /proc/<pid>/stat. */
function processTable() {
  const table = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // The command name is in parentheses and may itself hold spaces or parentheses.
      const close = stat.lastIndexOf(")");
      const [state, ppid] = stat.slice(close + 2).split(" ");
      table.set(Number(name), { comm: stat.slice(stat.indexOf("(") + 1, close), state, ppid: Number(ppid) });
    } catch {
      // The process ended while we looked.
    }
  }
  return table;
}

/** Every living descendant of `root`, as { pid, comm }. */
function descendants(root) {
  const table = processTable();
  const found = [];
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift();
    for (const [pid, info] of table)
      if (info.ppid === parent && info.state !== "Z") {
        found.push({ pid, comm: info.comm });
        queue.push(pid);
      }
  }
  return found;
}

const isAlive = (pid, comm) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.includes(`(${comm})`) && stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return false;
  }
};

/**
 * Starts `wrangler dev` on a loopback port and waits until `readyPath` answers 200. The returned server knows its
 * process ids, including the workerd that runs the Worker (what the memory benchmark samples), and stops them all.
 */
export async function startWrangler({ name, args, port, inspectorPort, readyPath, timeoutMs = 45_000 }) {
  const child = spawn(
    `${BIN}/wrangler`,
    [
      "dev",
      ...args,
      ...["--ip", "127.0.0.1", "--port", String(port)],
      ...["--inspector-ip", "127.0.0.1", "--inspector-port", String(inspectorPort)],
      "--show-interactive-dev-session=false",
    ],
    {
      cwd: ROOT,
      // wrangler's `#!/usr/bin/env node` must find the project's Node 24 even when the bench runs on another Node.
      env: { ...process.env, PATH: `${BIN}:${process.env.PATH}`, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const log = [];
  /** Every line of the cost benchmark's tail Worker (bench/tail), kept whole. */
  const captured = [];
  const keep = (chunk) => {
    const lines = chunk.toString().split("\n").filter(Boolean);
    for (const line of lines) if (line.includes("bench-tail ")) captured.push(line);
    log.push(...lines.filter((line) => !line.includes("bench-tail ")));
    log.splice(0, Math.max(0, log.length - LOG_LINES));
  };
  // Always drained: a full pipe would stall wrangler.
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", resolve));

  const server = {
    name,
    url: `http://127.0.0.1:${port}`,
    log,
    captured,
    /** Processes started under wrangler (its Node, workerd, esbuild), noted once it is ready. */
    family: [],
    /** The workerd that runs the Worker's code. */
    workerdPid: undefined,
    /** wrangler's proxy workerd, which owns `port` and passes every request (and body) on to the Worker. */
    proxyPid: undefined,
    stop: async () => {
      const known = new Set(server.family.map(({ pid }) => pid));
      server.family.push(...descendants(child.pid).filter(({ pid }) => !known.has(pid)));
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await Promise.race([exited, sleep(5000)]);
      // wrangler's own Node and its workerd shut down a moment after it: give them that moment before SIGKILL.
      for (let waited = 0; waited < 3000 && server.family.some(({ pid, comm }) => isAlive(pid, comm)); waited += 100) await sleep(100);
      server.killNow();
      running.delete(server);
    },
    /** Kills by id whatever of ours is still alive (also the last resort in `process.on("exit")`). */
    killNow: () => {
      const survivors = server.family.filter(({ pid, comm }) => isAlive(pid, comm)).map(({ pid }) => pid);
      if (child.exitCode === null && child.signalCode === null) survivors.unshift(child.pid);
      for (const pid of survivors) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Gone meanwhile.
        }
      }
    },
  };
  running.add(server);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name}: wrangler exited (${child.exitCode ?? child.signalCode}) before answering`);
    if (Date.now() > deadline) throw new Error(`${name}: no answer on ${server.url}${readyPath} within ${timeoutMs / 1000} s`);
    const ok = await fetch(`${server.url}${readyPath}`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    await sleep(250);
  }
  server.family = descendants(child.pid);
  // wrangler runs two workerd: a proxy that owns the public port, and the runtime of the Worker itself.
  const workerd = server.family.filter(({ comm }) => comm === "workerd");
  const ownsPort = ({ pid }) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`entry=127.0.0.1:${port}\0`);
  const proxy = workerd.filter(ownsPort);
  const runtime = workerd.filter((member) => !ownsPort(member));
  if (proxy.length !== 1 || runtime.length !== 1)
    throw new Error(`${name}: expected a proxy and a runtime workerd under wrangler ${child.pid}, found ${workerd.length} workerd`);
  server.proxyPid = proxy[0].pid;
  server.workerdPid = runtime[0].pid;
  return server;
}

/**
 * Starts a plain process (the NemoVideo stand-in, nginx) and waits until `ready()` says it serves. Stopped with the
 * rest, by its own process id, whatever happens.
 */
export async function startProcess({ name, command, args, ready, timeoutMs = 15_000 }) {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  const keep = (chunk) => {
    log.push(...chunk.toString().split("\n").filter(Boolean));
    log.splice(0, Math.max(0, log.length - LOG_LINES));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const server = {
    name,
    log,
    pid: child.pid,
    stop: async () => {
      if (alive()) child.kill("SIGTERM");
      await Promise.race([exited, sleep(3000)]);
      server.killNow();
      running.delete(server);
    },
    killNow: () => {
      if (alive()) child.kill("SIGKILL");
    },
  };
  running.add(server);
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (!alive()) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}): ${log.slice(-5).join(" | ")}`);
    if (Date.now() > deadline) throw new Error(`${name}: not ready within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
  return server;
}

/** CPU time a process has used so far, in seconds (utime + stime; Linux counts them in 1/100 s). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Stops every server still running, with their processes. */
export const stopAll = () => Promise.all([...running].map((server) => server.stop()));

/** Synchronous last resort, for `process.on("exit")`. */
export const killAllNow = () => running.forEach((server) => server.killNow());

/** The last lines each running server printed, for a failure report. */
export const logTails = (lines = 20) => [...running].map((server) => ({ name: server.name, lines: server.log.slice(-lines) }));

/** The wrangler version in node_modules, for the record. */
export const wranglerVersion = () => JSON.parse(readFileSync(`${ROOT}node_modules/wrangler/package.json`, "utf8")).version;
