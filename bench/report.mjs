/**
 * bench/results.md: the machine, each target beside what was measured, and the figures of every part, written from
 * the results of a run (a part not run keeps its earlier figures, with their date).
 */

const TARGETS = { p50Ms: 5, p99Ms: 50, streams: 50, throughputShare: 0.9, growthMB: 8, bundleKB: 200, performance: 100, accessibility: 100 };

const mark = (met) => (met ? "met" : "**not met**");
const money = (dollars) => `$${dollars === 0 ? "0" : dollars.toPrecision(2)}`;
const table = (header, rows) =>
  [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.map((cell) => cell ?? "–").join(" | ")} |`)].join("\n");
const dated = (part, date) => (part.date && part.date !== date ? ` (figures of ${part.date.slice(0, 16)}, not this run)` : "");

/** What the upload part says about the target: the first 200 MB through the relay against the direct one. */
function uploadTarget(upload) {
  const first = upload.relay.find((run) => run.fileMB === 200);
  const share = first.throughputMBps / upload.direct.throughputMBps;
  return { first, share, met: share >= TARGETS.throughputShare && first.memory.relay.growthMB <= TARGETS.growthMB };
}

function targets({ streams, upload, size, page, export: exported, drill }) {
  const rows = [];
  if (streams) {
    const at = streams.results.find((row) => row.streams === TARGETS.streams && row.path === "relay");
    if (at) rows.push([`relay adds ≤ ${TARGETS.p50Ms} ms p50, ≤ ${TARGETS.p99Ms} ms p99 at ${TARGETS.streams} streams × 20 events/s`, `${at.added.p50} ms, ${at.added.p99} ms`, mark(at.added.p50 <= TARGETS.p50Ms && at.added.p99 <= TARGETS.p99Ms)]);
  }
  if (upload) {
    const { first, share, met } = uploadTarget(upload);
    rows.push([`200 MB upload through the relay ≥ 90 % of direct throughput, ≤ ${TARGETS.growthMB} MB memory growth`, `${Math.round(share * 100)} %, ${first.memory.relay.growthMB} MB`, mark(met)]);
  }
  if (exported?.figures?.all) {
    const { all, target } = exported.figures;
    rows.push([
      "a finished render shown `completed` in ≤ 3 s at the median, never over 15 s, with no more polls than NemoVideo's own client",
      `${all.promptreel.delay.median} s median, ${all.promptreel.delay.max} s max, ${all.promptreel.polls} polls against ${all.nemovideo.polls}`,
      mark(target.pass),
    ]);
  }
  if (drill?.rounds)
    rows.push([
      `the account drill: each of ${drill.visitors} new visitors gets an account or the plain-words answer within ${drill.limitMs / 1000} s`,
      drill.rounds.map((r) => `budget ${r.budget}: ${r.accounts} accounts, ${r.told} told, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.overOneSecond} over`).join("; "),
      mark(drill.pass),
    ]);
  if (size) rows.push([`Worker bundle ≤ ${TARGETS.bundleKB} KB gzipped`, `${size.worker.gzipKB} KiB`, mark(size.worker.gzipKB <= TARGETS.bundleKB)]);
  if (page?.runs) {
    const worst = (key) => Math.min(...page.runs.map((run) => run[key]));
    const best = (key) => Math.max(...page.runs.map((run) => run[key]));
    rows.push([`Lighthouse (mobile) performance ${TARGETS.performance}, accessibility ${TARGETS.accessibility}`, `performance ${worst("performance")}–${best("performance")}, accessibility ${worst("accessibility")}–${best("accessibility")}`, mark(worst("performance") >= TARGETS.performance && worst("accessibility") >= TARGETS.accessibility)]);
  }
  return table(["target", "measured", ""], rows);
}

/** The relay's CPU per event as a multiple of nginx's, per number of streams (`/proc` counts in 10 ms steps). */
function cpuRatios(results) {
  const cpu = (count, path) => results.find((row) => row.streams === count && row.path === path)?.cpuMsPerEvent?.reduce((a, b) => a + b, 0);
  const counts = [...new Set(results.map((row) => row.streams))];
  return counts
    .map((count) => {
      const relay = cpu(count, "relay");
      const nginx = cpu(count, "nginx");
      if (relay === undefined || nginx === undefined) return `${count}: not measured`;
      return nginx > 0 ? `${count} streams ×${Math.round(relay / nginx)} (${relay.toFixed(2)} against ${nginx.toFixed(3)} ms)` : `${count} streams: nginx under /proc's 10 ms resolution`;
    })
    .join(", ");
}

function streamsSection(streams, date) {
  const { settings, results } = streams;
  const rows = results.map((row) =>
    row.skipped
      ? [row.streams, row.path, `skipped: ${row.skipped}`, "", "", "", "", "", ""]
      : [row.streams, row.path, row.p50, row.p99, row.added?.p50, row.added?.p99, row.cpuMsPerEvent?.join(" + "), row.failed, row.rounds.map((round) => `${round.p50}/${round.p99}`).join(" · ")],
  );
  return [
    `## The relay under load${dated(streams, date)}`,
    "",
    `${settings.events} text events per stream, one every ${settings.intervalMs} ms (${settings.eventsPerSecond} events/s), from the NemoVideo stand-in; ` +
      `each number of streams run ${settings.rounds} times per path (the order turning), the streams of a run ${settings.spread ? "starting spread over one interval" : "starting together"}. ` +
      "Delay = the event's last byte at the reader − the time the stand-in wrote it, ms; *added* = the path's delay − direct's at the same quantile, all rounds pooled.",
    "",
    table(["streams", "path", "p50", "p99", "added p50", "added p99", "CPU ms/event (relay: workerd + proxy; nginx)", "failed streams", "each round p50/p99"], rows),
    "",
    `CPU per event, the relay's (workerd + proxy) against nginx's in the same run: ${cpuRatios(results)}.`,
  ].join("\n");
}

function uploadSection(upload, date) {
  const { first, share } = uploadTarget(upload);
  const row = (run) => [run.label, run.seconds, run.throughputMBps, run.memory.relay.growthMB, run.memory.relay.cpuSeconds, run.memory.relayProxy.growthMB];
  return [
    `## Uploads${dated(upload, date)}`,
    "",
    `The first 200 MB through the relay ran at ${Math.round(share * 100)} % of the direct upload's throughput and grew the relay's workerd by ${first.memory.relay.growthMB} MB.`,
    "",
    table(["upload", "s", "MB/s", "relay RSS growth MB", "relay CPU s", "proxy growth MB"], [row(upload.direct), ...upload.relay.map(row)]),
  ].join("\n");
}

function sizeSection(size, date) {
  const list = (bundle) => bundle.heaviest.map(({ name, kb }) => `${name} ${kb}`).join(", ");
  return [
    `## Sizes${dated(size, date)}`,
    "",
    `- Worker as \`npm run deploy\` ships it (Vite's build, minified, zod's messages in English only): **${size.worker.gzipKB} KiB gzipped** (target ≤ ${size.worker.targetKB} KB).`,
    `- esbuild's dry-run bundle of the same sources, unminified as it used to ship: ${size.dryRun.unminified.gzipKB} KiB gzipped; minified: ${size.dryRun.minified.gzipKB} KiB ` +
      `(this one keeps zod's every language). Heaviest, minified, before gzip (KiB): ${list(size.dryRun.minified)}.`,
    size.page.pages
      ? `- JavaScript each page loads, gzipped (limit ${size.page.limitKB} KB each): ${size.page.pages.map((each) => `${each.page} in ${each.language} ${each.gzipKB} KB`).join(", ")}.`
      : `- The page's JavaScript: ${size.page.gzipKB} KiB gzipped (limit ${size.page.limitKB} KB).`,
  ].join("\n");
}

function pageSection(page, date) {
  if (page.skipped) return `## The page in Lighthouse\n\nskipped: ${page.skipped}`;
  const rows = page.runs.map((run, i) => [i + 1, run.performance, run.accessibility, ...Object.values(run.metrics)]);
  return [
    `## The page in Lighthouse${dated(page, date)}`,
    "",
    `Lighthouse ${page.runs[0].lighthouse}, mobile preset (simulated slow 4G and a 4× slower CPU), on ${page.chromium}, against the built page served by \`wrangler dev\` with the API behind it.`,
    "",
    table(["run", "performance", "accessibility", "FCP", "LCP", "TBT", "CLS", "speed index"], rows),
  ].join("\n");
}

function costSection(cost, date) {
  const { steps, video, prices } = cost;
  const rows = steps.map((s) => [s.name, s.workerRequests, s.doRequests, s.alarms, s.kvReads, s.kvWrites, s.r2ClassA, s.r2ClassB, s.upstreamCalls, s.cpuMs, s.doWallSeconds]);
  const line = (name, dollars) => `${name}: ${money(dollars.total)} (${Object.entries(dollars).filter(([key]) => key !== "total").map(([key, value]) => `${key} ${money(value)}`).join(", ")})`;
  return [
    `## What one video costs${dated(cost, date)}`,
    "",
    `One video made as the page makes it, on the emulator at time scale ${cost.scale}. CPU ms: the relay's workerd, Worker and Durable Object together ` +
      "(wrangler runs both on one thread and reports no CPU per invocation, so they can't be told apart here; the price counts all of it as Worker CPU, an upper bound). " +
      "DO wall s: while a request or stream of the object is open (it can't hibernate then), in real seconds (measured ÷ the time scale).",
    "",
    table(["step", "Worker requests", "DO requests", "alarms", "KV reads", "KV writes", "R2 class A", "R2 class B", "NemoVideo calls", "CPU ms", "DO wall s"], rows),
    "",
    `- **${line("One video", cost.cost.video)}**, i.e. ${money(cost.cost.video.total * 1000)} per thousand videos`,
    `- ${line("One upload in parts", cost.cost.upload)}`,
    `- Per video: ${video.workerRequests} Worker requests, ${video.doRequests + video.alarms} Durable Object requests, ${video.kvReads} KV reads and ${video.kvWrites} writes, ${video.cpuMs} CPU ms, ${video.doWallSeconds} s of Durable Object time.`,
    `- Prices (USD, Workers Paid, beyond the included ${prices.included}), read ${prices.read} from ${prices.sources.join(", ")}: ` +
      Object.entries(prices.perMillion).map(([key, value]) => `${key} $${value}/M`).join(", ") + `; Durable Object duration at ${prices.doMemoryGB} GB.`,
    "- Not counted: SQLite rows read and written in the Durable Object (workerd reports none locally) and storage; KV and R2 operations made inside the Durable Object: " +
      "the finished video's copy into the `VIDEOS` bucket is one R2 class A operation there ($0.0000045), and keeping it costs R2 storage, $0.015 per GB-month " +
      "(a 10-second 720p clip of a few MB: about $0.00005 a month).",
  ].join("\n");
}

function exportSection(exported, date) {
  const { figures, settings } = exported;
  const cell = (f) => `${f.delay.median} / ${f.delay.max} s, ${f.polls} polls`;
  const rows = Object.entries(figures.byCurve).map(([curve, paths]) => [curve, cell(paths.promptreel), cell(paths.nemovideo), cell(paths.every30)]);
  rows.push(["**all**", cell(figures.all.promptreel), cell(figures.all.nemovideo), cell(figures.all.every30)]);
  return [
    `## Exports: how soon a finished render is seen${dated(exported, date)}`,
    "",
    `Renders of ${settings.lengthsSeconds.join(", ")} s on each of six shapes of progress NemoVideo may report (the emulator's \`renderProgress\` curves), ` +
      `at time scale ${settings.timeScale}, each followed at once by PromptReel's schedule, by NemoVideo's own client's polling (2 s, ×1.5, at most 15 s) ` +
      "and by the seed's every 30 s. Delay = when the job showed `completed` − when the render finished upstream, median / max, in real seconds; polls in all.",
    "",
    table(["progress", "PromptReel", "NemoVideo's client", "every 30 s"], rows),
  ].join("\n");
}

function drillSection(drill, date) {
  const rows = drill.rounds.map((r) => [r.budget, r.visitors, r.accounts, r.told, r.other.length, r.p50Ms, r.p99Ms, r.maxMs, r.overOneSecond, `${r.accountsStillWorking} of ${r.accounts}`, `${r.nemoVideoAsked} (${r.nemoVideoRefused} refused)`]);
  return [
    `## The account drill${dated(drill, date)}`,
    "",
    `${drill.visitors} new visitors from as many addresses, ${drill.atOnce} at a time, against an emulator granting 10 free accounts per address (all of them come from the relay's one address). ` +
      "Budget 10: the deployment's ledger says no first; budget 50: NemoVideo refuses first, once, and nobody asks again. Each visitor: a key, then a session (which needs an account).",
    "",
    table(["budget", "visitors", "accounts", "told in words", "anything else", "p50 ms", "p99 ms", "max ms", "over 1 s", "accounts still working", "NemoVideo asked"], rows),
  ].join("\n");
}

/** The whole of bench/results.md. */
export function resultsMarkdown(results) {
  const { date, machine } = results;
  const sections = [
    "# Benchmark results",
    "",
    `Written by \`npm run bench\` on ${date.slice(0, 16).replace("T", " ")} UTC. Machine: ${machine.cpus} × ${machine.cpu}, ${machine.memoryGB} GB, ${machine.os}; ` +
      `Node ${machine.node}, wrangler ${results.wrangler}${machine.nginx ? `, nginx ${machine.nginx}` : ""}. Shared with other work: load average ${machine.loadBefore} before, ${machine.loadAfter} after. ` +
      "Durable Object state on disk (wrangler's default, `--persist-to` a temporary directory).",
    "",
    "## Targets",
    "",
    targets(results),
  ];
  if (results.streams) sections.push("", streamsSection(results.streams, date));
  if (results.upload) sections.push("", uploadSection(results.upload, date));
  if (results.export?.figures?.all) sections.push("", exportSection(results.export, date));
  if (results.drill?.rounds) sections.push("", drillSection(results.drill, date));
  if (results.cost) sections.push("", costSection(results.cost, date));
  if (results.size) sections.push("", sizeSection(results.size, date));
  if (results.page) sections.push("", pageSection(results.page, date));
  return `${sections.join("\n")}\n`;
}
