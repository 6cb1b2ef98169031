import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./servers.mjs";

/** Lighthouse's last release that runs on the Node of this project and installs from the npm registry alone. */
const LIGHTHOUSE = "lighthouse@12.2.3";
const CHROME = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const METRICS = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index"];

/**
 * The built page's Lighthouse scores on Debian's Chromium, mobile preset (Lighthouse's default: a mid-range phone,
 * slow 4G and a 4× slower CPU, simulated), `runs` times: performance and accessibility, with the metrics behind
 * performance. `url` serves `vite build`'s page with the API behind it. Lighthouse comes through npx, so it is
 * not a dependency of the project.
 */
export function benchPage({ url, runs = 3 }) {
  if (!existsSync(CHROME)) return { skipped: `no Chromium at ${CHROME} (apt-get install chromium, or set CHROMIUM_PATH)` };
  const results = [];
  for (let run = 0; run < runs; run++) {
    const dir = mkdtempSync(join(tmpdir(), "promptreel-lighthouse-"));
    try {
      execFileSync(
        "npx",
        [
          "--yes",
          LIGHTHOUSE,
          url,
          "--quiet",
          "--output=json",
          `--output-path=${join(dir, "report.json")}`,
          "--only-categories=performance,accessibility",
          "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        { cwd: ROOT, env: { ...process.env, CHROME_PATH: CHROME, PATH: `${ROOT}node_modules/.bin:${process.env.PATH}` }, stdio: "ignore", timeout: 240_000 },
      );
      const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
      results.push({
        performance: Math.round(report.categories.performance.score * 100),
        accessibility: Math.round(report.categories.accessibility.score * 100),
        metrics: Object.fromEntries(METRICS.map((id) => [id, report.audits[id].displayValue])),
        lighthouse: report.lighthouseVersion,
      });
    } catch (error) {
      return { skipped: `${LIGHTHOUSE} failed: ${error.message.split("\n")[0]}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { runs: results, chromium: execFileSync(CHROME, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() };
}
