// The page's JavaScript budget: what the app at `/` loads, gzipped, under 25 KB, in each of its languages (the app's
// scripts and the one dictionary its language brings: web/i18n/index.ts). Run after `vite build` (`.ci/run` does):
// `node test/browser/js-size.mjs [dist/client]`. /embed.js is left out: host pages load it, not the app; so is the
// consent screen (web/consent/), which only /authorize imports: its page's total is printed, not budgeted.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 25 * 1024;
const LANGUAGES = ["en", "zh"];
const root = process.argv[2] ?? "dist/client";

const scripts = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith(".js") && entry.name !== "embed.js")
  .map((entry) => join(entry.parentPath, entry.name));
const sizes = scripts.map((path) => ({ path: relative(root, path), gzipped: gzipSync(readFileSync(path), { level: 9 }).length }));
if (scripts.length === 0) {
  console.error(`no scripts under ${root}: build first (npm run build)`);
  process.exit(1);
}
const dictionaryOf = ({ path }) => LANGUAGES.find((language) => path.split("/").at(-1).startsWith(`${language}-`));
const isConsent = ({ path }) => path.split("/").at(-1).startsWith("Consent-");
const app = sizes.filter((size) => !dictionaryOf(size) && !isConsent(size));
const sum = (list) => list.reduce((total, { gzipped }) => total + gzipped, 0);

for (const { path, gzipped } of sizes) console.log(`${(gzipped / 1024).toFixed(1).padStart(6)} KB  ${path}`);
let over = false;
for (const language of LANGUAGES) {
  const dictionaries = sizes.filter((size) => dictionaryOf(size) === language);
  if (dictionaries.length !== 1) console.error(`the ${language} dictionary is not a script of its own (${dictionaries.length} found)`);
  const total = sum(app) + sum(dictionaries);
  console.log(`${(total / 1024).toFixed(1).padStart(6)} KB  the page's JavaScript in ${language}, gzipped (budget ${BUDGET / 1024} KB)`);
  over ||= total > BUDGET || dictionaries.length !== 1;
  const consent = total + sum(sizes.filter(isConsent));
  console.log(`${(consent / 1024).toFixed(1).padStart(6)} KB  the consent page's (/authorize) in ${language}, gzipped (not budgeted)`);
}
if (over) {
  console.error("over budget");
  process.exit(1);
}
