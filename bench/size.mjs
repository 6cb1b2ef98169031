import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "./servers.mjs";

const BIN = `${ROOT}node_modules/.bin`;
const ENV = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false" };
const kb = (bytes) => Math.round(bytes / 102.4) / 10;
const gzipKB = (file) => kb(gzipSync(readFileSync(file)).length);

/** esbuild's bundle of the Worker from wrangler's dry run: its gzipped size, and its heaviest packages. */
function dryRun(minify) {
  const dir = mkdtempSync(join(tmpdir(), "promptreel-size-"));
  try {
    execFileSync(`${BIN}/wrangler`, ["deploy", "--dry-run", "-c", "wrangler.toml", "--outdir", dir, "--metafile", join(dir, "meta.json"), ...(minify ? ["--minify"] : [])], {
      cwd: ROOT,
      env: ENV,
      stdio: "ignore",
    });
    const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8"));
    const output = Object.values(meta.outputs).find((out) => Object.keys(out.inputs ?? {}).length > 1);
    const byPackage = {};
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
      const at = file.lastIndexOf("node_modules/");
      const parts = at < 0 ? file.split("/") : file.slice(at + 13).split("/");
      const name = at < 0 ? `${parts[0]}/ (ours)` : parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
      byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
    }
    const heaviest = Object.entries(byPackage)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([name, bytes]) => ({ name, kb: kb(bytes) }));
    return { gzipKB: gzipKB(join(dir, "index.js")), heaviest };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Worker bundle as `npm run deploy` ships it (Vite's build, minified), gzipped, against the 200 KB target;
 * esbuild's dry-run bundle unminified (how it was) and minified, with what weighs most; and the page's JavaScript
 * against its 25 KB limit. Runs `vite build`, which the page's Lighthouse part then serves.
 */
export function benchSize() {
  execFileSync(`${BIN}/vite`, ["build"], { cwd: ROOT, env: ENV, stdio: "ignore" });
  // Each page's total in each language, as the budget's own check counts it (test/browser/js-size.mjs: the entry,
  // the language's dictionary, and the page's own chunk), not the sum of every script.
  let budget = "";
  try {
    budget = execFileSync(process.execPath, ["test/browser/js-size.mjs", "dist/client"], { cwd: ROOT, env: ENV, encoding: "utf8" });
  } catch (error) {
    budget = String(error.stdout ?? ""); // over the budget: the figures say by how much
  }
  const pages = [...budget.matchAll(/^\s*([\d.]+) KB {2}(.+) in (\w+), gzipped/gm)].map(([, kb, page, language]) => ({ page, language, gzipKB: Number(kb) }));
  return {
    worker: { gzipKB: gzipKB(join(ROOT, "dist/promptreel/index.js")), targetKB: 200 },
    dryRun: { unminified: dryRun(false), minified: dryRun(true) },
    page: { gzipKB: Math.max(...pages.map((each) => each.gzipKB)), pages, limitKB: 25 },
  };
}
