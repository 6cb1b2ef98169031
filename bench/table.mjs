/** The readable half of the results: aligned tables on stdout. The JSON file has everything, raw turns included. */

const cell = (value) => (value === null || value === undefined || Number.isNaN(value) ? "–" : String(value));

function table(title, header, rows) {
  const all = [header, ...rows].map((row) => row.map(cell));
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row) => row.map((value, column) => (column === 0 ? value.padEnd(widths[0]) : value.padStart(widths[column]))).join("   ");
  console.log(`\n${title}\n${line(all[0])}\n${widths.map((width) => "-".repeat(width)).join("   ")}`);
  for (const row of all.slice(1)) console.log(line(row));
}

export function printResults({ date, parts, machine, wrangler, settings, startupSeconds, chat, upload, export: exports, drill }) {
  console.log(
    `PromptReel benchmarks (${parts.join(", ")}) · ${date} · ${machine.cpus} CPUs · Node ${machine.node} · wrangler ${wrangler} · ` +
      (startupSeconds === undefined ? "" : `emulator and relay up in ${startupSeconds.toFixed(1)} s`),
  );
  if (parts.includes("chat")) printChat(chat, settings);
  if (parts.includes("upload")) printUpload(upload);
  if (parts.includes("export")) printExport(exports);
  if (parts.includes("drill")) printDrill(drill);
}

function printDrill(drill) {
  table(
    `Account drill: ${drill.visitors} new visitors from as many addresses, 25 at once; NemoVideo grants 10 accounts per address ` +
      `(its answer must come within ${drill.limitMs} ms, an account or the words): ${drill.pass ? "PASS" : "FAIL"}`,
    ["budget", "accounts", "told in words", "other", "over 1 s", "p50 ms", "p99 ms", "max ms", "still working", "NemoVideo asked", "refused"],
    drill.rounds.map((r) => [r.budget, r.accounts, r.told, r.other.length, r.overOneSecond, r.p50Ms, r.p99Ms, r.maxMs, r.accountsStillWorking, r.nemoVideoAsked, r.nemoVideoRefused]),
  );
}

function printChat(chat, settings) {

  const { firstEvent, lastEvent, overhead } = chat;
  table(
    `SSE chat turns (timeScale ${settings.timeScale}): ms from sending the message (${chat.turns} turns: ${chat.generations} generations, the rest edits; ` +
      `events per turn: direct ${chat.eventsPerTurn.direct.median}, relay ${chat.eventsPerTurn.relay.median})`,
    ["", "direct median", "p95", "relay median", "p95", "relay/direct median", "p95"],
    [
      ["first event", firstEvent.direct.median, firstEvent.direct.p95, firstEvent.relay.median, firstEvent.relay.p95, firstEvent.ratio.median, firstEvent.ratio.p95],
      ["last event", lastEvent.direct.median, lastEvent.direct.p95, lastEvent.relay.median, lastEvent.relay.p95, lastEvent.ratio.median, lastEvent.ratio.p95],
    ],
  );
  const row = (label, figures) => [label, figures.median, figures.p95, figures.min, figures.max];
  table("What the relay adds, ms (relay − direct, per turn)", ["", "median", "p95", "min", "max"], [
    row("to the first event", overhead.firstEvent),
    row("to the last event (relay: done)", overhead.lastEvent),
    row("  setup, before upstream is called", overhead.setup),
    row("  per event: the opening tool call", overhead.perEventOpen),
    row("  per event: the reply's first text", overhead.perEventReply),
    row("  after upstream's last event (timeline, done)", overhead.tail),
  ]);

}

function printUpload(upload) {
  const uploadRow = (run) => {
    const { relay, relayProxy, emulator } = run.memory;
    return [
      run.label,
      run.seconds,
      run.throughputMBps,
      relay.baselineMB,
      relay.peakMB,
      relay.growthMB,
      relay.growthPerFileSize,
      relay.cpuSeconds,
      relayProxy.growthMB,
      emulator.growthMB,
      emulator.cpuSeconds,
      run.emulatorMaxBufferedBytes,
    ];
  };
  const { idle } = upload;
  table(
    "Uploads: MB = 10^6 bytes; RSS of the relay's workerd (the Worker's runtime) sampled every ~50 ms",
    ["", "s", "MB/s", "RSS before", "peak", "growth", "growth/file", "CPU s", "proxy growth", "emulator growth", "CPU s", "held B"],
    [
      ["idle 1.5 s (growth = spread)", "", "", idle.relay.rssMB, "", idle.relay.spreadMB, "", "", idle.relayProxy.spreadMB, idle.emulator.spreadMB, "", ""],
      uploadRow(upload.direct),
      ...upload.relay.map(uploadRow),
    ],
  );
  console.log(
    "proxy: wrangler's workerd in front of the relay · emulator: its Worker's workerd · held B: most bytes the\n" +
      "emulator's multipart reader kept at once (a Worker that holds ~4 KB, for comparison)",
  );
}

function printExport({ settings, figures, renders, prepareSeconds, renderSeconds }) {
  const { timeScale, target } = settings;
  console.log(
    `\nExports: ${renders.length} renders (${settings.lengthsSeconds.join(", ")} s on each of ${settings.curves.length} progress curves), ` +
      `each run three ways at once (timeScale ${timeScale}: every figure is in real seconds, measured ms ÷ ${timeScale}; ` +
      `preparation ${prepareSeconds} s, renders ${renderSeconds} s of wall time)`,
  );
  const paths = [
    ["promptreel", "PromptReel"],
    ["nemovideo", "NemoVideo's client (2 s, ×1.5, ≤ 15 s)"],
    ["every30", "every 30 s (the seed)"],
  ];
  const cells = (row, path) => [row[path].delaySeconds, row[path].polls];
  table(
    "Each render: s from finishing upstream (its completedAt) to being seen completed, and polls",
    ["curve", "length s", ...paths.flatMap(([, name]) => [`${name}: delay`, "polls"]), "PromptReel's poll times (s after creation)"],
    renders.map((row) => [row.curve, row.seconds, ...paths.flatMap(([path]) => cells(row, path)), row.promptreel.pollTimesSeconds.map((at) => Math.round(at)).join(" ")]),
  );
  const summary = (label, byPath) => [label, ...paths.flatMap(([path]) => [byPath[path].delay.median, byPath[path].delay.max, byPath[path].polls])];
  table(
    "By curve and in all: delay median and max, s; polls in all",
    ["", ...paths.flatMap(([, name]) => [`${name}: median`, "max", "polls"])],
    [...settings.curves.map((curve) => summary(curve, figures.byCurve[curve])), summary("all", figures.all)],
  );
  console.log(
    `loopback and timers: NemoVideo's client's last poll went out ${figures.slip.median} s (median; max ${figures.slip.max} s) after it was due, ` +
      `i.e. ${Math.round(figures.slip.median * timeScale * 1000)} ms measured, added to every delay above`,
  );
  if (!figures.lengthsMatch) console.log("warning: some renders did not last the length asked for: compare per render");
  const ours = figures.all.promptreel;
  const { target: met } = figures;
  console.log(
    `target (median ≤ ${target.medianS} s, max ≤ ${target.maxS} s, polls no more than NemoVideo's client's): ${met.pass ? "PASS" : "FAIL"} · ` +
      `median ${ours.delay.median} s, max ${ours.delay.max} s, polls ${ours.polls} ${met.polls ? "≤" : ">"} ${figures.all.nemovideo.polls}`,
  );
}
