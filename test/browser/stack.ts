import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

/**
 * Vitest globalSetup of the `browser` project: the real stack as `npm start` runs it (vite dev with
 * vite.config.ts: page, Worker, Durable Object, emulator), on a free port in 8800–8849 (never 8787, which a
 * person may be using), with the emulator's clock and the job timings scaled down, and npm start's room for new
 * visitors and free accounts (no test raises them). Stopped after the run.
 */
const TIME_SCALE = "0.005";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    /** Everything the stack printed, as a person sees it on `npm start`'s terminal. */
    stackLog: string;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once("error", () => resolve(false))
      .once("listening", () => server.close(() => resolve(true)))
      .listen(port, "127.0.0.1");
  });
}

/** `count` free loopback ports in [from, to), lowest first. */
export async function freePorts(count: number, from: number, to: number): Promise<number[]> {
  const free: number[] = [];
  for (let port = from; port < to && free.length < count; port++) if (await portIsFree(port)) free.push(port);
  if (free.length < count) throw new Error(`need ${count} free ports in ${from}–${to - 1}, found ${free.length}`);
  return free;
}

async function waitUntilUp(baseUrl: string, server: ChildProcess, log: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`vite dev exited (${server.exitCode}):\n${log()}`);
    try {
      // The page and the API both answer: the app's HTML and the Worker's health.
      const [page, health] = await Promise.all([fetch(`${baseUrl}/`), fetch(`${baseUrl}/health`)]);
      if (page.ok && health.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`vite dev did not answer within 90 s:\n${log()}`);
}

/**
 * Starts the stack as `npm start` runs it on `port`, with the emulator's clock and the job timings at
 * `TIME_SCALE`, its own Durable Object and KV state (never the one a running `npm start` holds: SQLite locks),
 * and `vars` given to the Worker from the environment. Answers once the page and the API answer.
 */
export async function startStack(port: number, vars: Record<string, string> = {}) {
  const baseUrl = `http://localhost:${port}`;
  const stateDir = mkdtempSync(join(tmpdir(), "promptreel-browser-"));
  const logFile = join(stateDir, "terminal.log");
  const terminal = createWriteStream(logFile);
  let output = "";
  const server = spawn(
    process.execPath,
    ["node_modules/vite/bin/vite.js", "dev", "--port", String(port), "--strictPort"],
    {
      env: {
        ...process.env,
        TIME_SCALE,
        // NemoVideo's own 100 credits a visitor, not npm start's roomier 1000: the tests count them.
        ANON_CREDITS: "100",
        PROMPTREEL_STATE_DIR: stateDir,
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        WRANGLER_SEND_METRICS: "false",
        // Wrangler's way to give variables to `vite dev` from the environment.
        ...(Object.keys(vars).length ? { CLOUDFLARE_INCLUDE_PROCESS_ENV: "true", ...vars } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so that stopping it stops workerd too, and nothing else.
      detached: true,
    },
  );
  const keep = (chunk: Buffer) => {
    output += chunk;
    terminal.write(chunk);
  };
  server.stdout?.on("data", keep);
  server.stderr?.on("data", keep);
  const stop = async () => {
    if (server.exitCode !== null || !server.pid) return;
    const exited = new Promise((resolve) => server.once("exit", resolve));
    process.kill(-server.pid, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
  };
  try {
    await waitUntilUp(baseUrl, server, () => output);
    // Warm up: the first page load makes Vite optimise the page's dependencies.
    await fetch(`${baseUrl}/web/main.tsx`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, stop, logFile };
}

export default async function setup(project: TestProject) {
  // "Still working…" after 1.5 s of silence rather than 2 minutes, so that a test can see it.
  const [port] = await freePorts(1, 8800, 8850);
  const { baseUrl, stop, logFile } = await startStack(port, { WORKING_NOTICE_MS: "1500" });
  project.provide("baseUrl", baseUrl);
  project.provide("stackLog", logFile);
  return stop;
}
