// The account drill (`npm run bench -- drill`, or `node bench/drill.mjs` alone): 500 new visitors from 500
// addresses come to a deployment in anonymous mode, against an emulator that grants 10 free accounts per address
// a week, as NemoVideo does. Every one must get a working account or the plain-words answer within 1 s (none left
// on a spinner), and the visitors who had accounts must keep working. Two rounds: the deployment's budget equal to
// NemoVideo's grant (the budget says no first), and larger than it (NemoVideo says no first, once).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePorts, startWrangler, stopAll } from "./servers.mjs";
import { now, quantile } from "./stats.mjs";

const VISITORS = Number(process.env.DRILL_VISITORS ?? 500);
const AT_ONCE = Number(process.env.DRILL_AT_ONCE ?? 25);
const LIMIT_MS = 1000;

async function json(url, init = {}) {
  const response = await fetch(url, {
    ...init,
    headers: { "content-type": "application/json", ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

/** One new visitor from its own address, as the page starts: a key, then a project (which needs an account). */
async function arrive(relay, n) {
  const address = `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  const started = now();
  const visitor = await json(`${relay}/api/v1/visitors`, { method: "POST", headers: { "CF-Connecting-IP": address } });
  if (visitor.status !== 201) return { n, ms: now() - started, outcome: `visitor ${visitor.status}` };
  const auth = { Authorization: `Bearer ${visitor.body.key}` };
  const session = await json(`${relay}/api/v1/sessions`, { method: "POST", headers: auth, body: { language: "en" } });
  const ms = now() - started;
  if (session.status === 201) return { n, ms, outcome: "account", auth, sessionId: session.body.sessionId };
  const error = session.body?.error ?? {};
  const worded = error.code === "accounts_exhausted" && /free up on .* UTC/.test(error.message) && error.link?.startsWith("https://nemovideo.com/register");
  return { n, ms, outcome: worded ? "told" : `session ${session.status} ${error.code}` };
}

/** After the crowd: each visitor that got an account still works (its project, a message). */
async function stillWorks(relay, { auth, sessionId }) {
  const project = await fetch(`${relay}/api/v1/sessions/${sessionId}`, { headers: auth });
  const message = await fetch(`${relay}/api/v1/sessions/${sessionId}/messages`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ text: "hello, what can you do?" }),
  });
  const text = await message.text();
  return project.status === 200 && message.status === 200 && text.includes("event: done");
}

async function round(emulator, budget, [relayPort, inspectorPort]) {
  const state = mkdtempSync(join(tmpdir(), "promptreel-drill-"));
  const relay = await startWrangler({
    name: `relay (budget ${budget})`,
    args: ["-c", "wrangler.toml", "--var", `NEMO_API_BASE:${emulator}`, "--var", `ANONYMOUS_ACCOUNTS_PER_WEEK:${budget}`, "--persist-to", state],
    port: relayPort,
    inspectorPort,
    readyPath: "/health",
  });
  await fetch(`${emulator}/__emulator/reset`, { method: "POST" });
  await fetch(`${emulator}/__emulator/config`, { method: "POST", body: JSON.stringify({ anonTokensPerIp: 10 }) });
  const results = [];
  for (let n = 0; n < VISITORS; n += AT_ONCE)
    results.push(...(await Promise.all(Array.from({ length: Math.min(AT_ONCE, VISITORS - n) }, (_, i) => arrive(relay.url, n + i)))));
  const accounts = results.filter((each) => each.outcome === "account");
  const working = (await Promise.all(accounts.map((each) => stillWorks(relay.url, each)))).filter(Boolean).length;
  const log = await (await fetch(`${emulator}/__emulator/requests`)).json();
  const asked = (Array.isArray(log) ? log : log.requests).filter((r) => r.path === "/api/auth/anonymous-token");
  await relay.stop();
  rmSync(state, { recursive: true, force: true });
  const times = results.map((each) => each.ms);
  return {
    budget,
    visitors: results.length,
    accounts: accounts.length,
    told: results.filter((each) => each.outcome === "told").length,
    other: results.filter((each) => each.outcome !== "account" && each.outcome !== "told").map((each) => each.outcome),
    overOneSecond: times.filter((ms) => ms > LIMIT_MS).length,
    p50Ms: Math.round(quantile(times, 0.5)),
    p99Ms: Math.round(quantile(times, 0.99)),
    maxMs: Math.round(Math.max(...times)),
    accountsStillWorking: working,
    nemoVideoAsked: asked.length,
    nemoVideoRefused: asked.filter((r) => r.status === 429).length,
  };
}

/** Both rounds, with an emulator of their own. */
export async function benchDrill() {
  const [emulatorPort, relayPort, ...inspector] = await freePorts(4);
  const emulator = await startWrangler({
    name: "emulator",
    args: ["-c", "emulator/wrangler.toml", "--var", "TIME_SCALE:0.005"],
    port: emulatorPort,
    inspectorPort: inspector[0],
    readyPath: "/",
  });
  const rounds = [];
  for (const budget of [10, 50]) rounds.push(await round(emulator.url, budget, [relayPort, inspector[1]]));
  await emulator.stop();
  const pass = rounds.every((r) => r.overOneSecond === 0 && r.other.length === 0 && r.accountsStillWorking === r.accounts && r.accounts + r.told === r.visitors);
  return { visitors: VISITORS, atOnce: AT_ONCE, limitMs: LIMIT_MS, rounds, pass };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchDrill()
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error) => console.error(error))
    .finally(() => stopAll());
}
