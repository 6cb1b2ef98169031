// The page's JavaScript budget: every script the app at `/` loads, gzipped, under 25 KB. Run after `vite build`
// (`.ci/run` does): `node test/browser/js-size.mjs [dist/client]`. /embed.js is left out: host pages load it, not the app.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 25 * 1024;
const root = process.argv[2] ?? "dist/client";

const scripts = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith(".js") && entry.name !== "embed.js")
  .map((entry) => join(entry.parentPath, entry.name));
const sizes = scripts.map((path) => ({ path: relative(root, path), gzipped: gzipSync(readFileSync(path), { level: 9 }).length }));
const total = sizes.reduce((sum, { gzipped }) => sum + gzipped, 0);

for (const { path, gzipped } of sizes) console.log(`${(gzipped / 1024).toFixed(1).padStart(6)} KB  ${path}`);
console.log(`${(total / 1024).toFixed(1).padStart(6)} KB  the page's JavaScript, gzipped (budget ${BUDGET / 1024} KB)`);
if (scripts.length === 0) {
  console.error(`no scripts under ${root}: build first (npm run build)`);
  process.exit(1);
}
if (total > BUDGET) {
  console.error("over budget");
  process.exit(1);
}
