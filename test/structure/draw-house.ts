// `npm run house`: draws worker/'s layers from its own imports (dependency-cruiser) as a Mermaid picture, and writes
// it into docs/architecture.md between the `house` markers. `npm test` fails when that picture is not today's.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(fileURLToPath(import.meta.url), "../../..");
/** The layers as the import rules name them (one source): the base files, and the routes files. */
const rules = (createRequire(import.meta.url)(join(ROOT, ".dependency-cruiser.cjs")) as {
  forbidden: { name: string; from: { path?: string }; to: { path?: string } }[];
}).forbidden;
const rule = (name: string) => rules.find((each) => each.name === name)!;
const BASE = new RegExp(rule("base-stays-at-the-bottom").from.path!);
const ROUTES = new RegExp(rule("routes-are-mounted-by-the-app-only").to.path!);

/** The room a file stands in: its layer, or for a feature's logic and tables, its feature. */
function roomOf(path: string): string | undefined {
  if (/^worker\/(index|app|reference)\.ts$/.test(path)) return "app[index.ts · app.ts · reference.ts]";
  if (ROUTES.test(path)) return "routes[each feature's routes.ts]";
  if (path === "worker/http.ts") return "http[http.ts]";
  if (path.startsWith("worker/visitor/")) return "visitor[visitor/: the Durable Object]";
  if (path === "worker/caller.ts") return "caller[caller.ts: the visitor a request acts for]";
  if (path === "worker/upstream.ts") return "upstream[upstream.ts]";
  if (path.startsWith("worker/nemo/")) return "nemo[nemo/: the one door to NemoVideo]";
  if (BASE.test(path)) return "base[the base, which every room uses: config · errors · sse · signing · schedule · scope · outbound · …]";
  const feature = /^worker\/([a-z]+)\//.exec(path)?.[1];
  return feature ? `${feature}[${feature}/]` : undefined;
}

export function drawHouse() {
  const cruise = spawnSync(join(ROOT, "node_modules/.bin/depcruise"), ["--config", ".dependency-cruiser.cjs", "--output-type", "json", "worker"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const { modules } = JSON.parse(cruise.stdout) as { modules: { source: string; dependencies: { resolved: string }[] }[] };
  const rooms = new Set<string>();
  const arrows = new Set<string>();
  const id = (room: string) => room.slice(0, room.indexOf("["));
  for (const module of modules) {
    const from = roomOf(module.source);
    if (from) rooms.add(from);
    for (const dependency of module.dependencies) {
      const to = roomOf(dependency.resolved);
      // Every room uses the base: those arrows go without saying.
      if (from && to && from !== to && !to.startsWith("base[")) arrows.add(`  ${id(from)} --> ${id(to)}`);
    }
  }
  const names = [...rooms].sort().map((room) => `  ${room.replace("[", '["').replace(/]$/, '"]')}`);
  return ["```mermaid", "flowchart TB", ...names, ...[...arrows].sort(), "```"].join("\n");
}

const START = "<!-- house: drawn by `npm run house` from the imports -->";
const END = "<!-- /house -->";

/** docs/architecture.md with today's picture in its place. */
export function architectureWithHouse() {
  const document = readFileSync(join(ROOT, "docs/architecture.md"), "utf8");
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/architecture.md has no ${START} … ${END} block`);
  return { document, drawn: `${document.slice(0, start + START.length)}\n${drawHouse()}\n${document.slice(end)}` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(ROOT, "docs/architecture.md"), architectureWithHouse().drawn);
  console.log("docs/architecture.md: the house is drawn");
}
