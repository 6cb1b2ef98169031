/** The readable half of the results: aligned tables on stdout. The JSON file has everything, raw turns included. */

const cell = (value) => (value === null || value === undefined || Number.isNaN(value) ? "–" : String(value));

function table(title, header, rows) {
  const all = [header, ...rows].map((row) => row.map(cell));
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row) => row.map((value, column) => (column === 0 ? value.padEnd(widths[0]) : value.padStart(widths[column]))).join("   ");
  console.log(`\n${title}\n${line(all[0])}\n${widths.map((width) => "-".repeat(width)).join("   ")}`);
  for (const row of all.slice(1)) console.log(line(row));
}

export function printResults({ date, parts, machine, wrangler, settings, startupSeconds, chat, upload, export: exports }) {
  console.log(
    `PromptReel benchmarks (${parts.join(", ")}) · ${date} · ${machine.cpus} CPUs · Node ${machine.node} · wrangler ${wrangler} · ` +
      (startupSeconds === undefined ? "" : `emulator and relay up in ${startupSeconds.toFixed(1)} s`),
  );
  if (parts.includes("chat")) printChat(chat, settings);
  if (parts.includes("upload")) printUpload(upload);
  if (parts.includes("export")) printExport(exports);
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

function printExport({ settings, figures, renders, relayMissing, prepareSeconds, renderSeconds }) {
  const { timeScale, seedPollSeconds, targetMedianSeconds } = settings;
  console.log(
    `\nExports: ${renders.length} renders of ${figures.renderSeconds.min}–${figures.renderSeconds.max} s, each run both ways at once ` +
      `(timeScale ${timeScale}: every figure is in real seconds, measured ms ÷ ${timeScale}; ` +
      `preparation ${prepareSeconds} s, renders ${renderSeconds} s of wall time)`,
  );
  const pathRow = (label, { delay, polls }) => [label, delay.median, delay.p90, delay.min, delay.max, polls.mean, polls.max, polls.total];
  const rows = [pathRow(`seed: a poll every ${seedPollSeconds} s`, figures.seed)];
  if (!relayMissing) {
    rows.push(pathRow("PromptReel: `completed` reaches the client", figures.relay));
    if (figures.relayJob) rows.push([...pathRow("  the job's own completedAt", figures.relayJob).slice(0, 5), "", "", ""]);
    rows.push(["PromptReel / seed", figures.ratio.delayMedian, figures.ratio.delayP90, "", "", figures.ratio.polls, "", ""]);
  }
  table(
    "Delay from the render finishing upstream (its completedAt) to the job showing completed, s; upstream polls per render",
    ["", "median", "p90", "min", "max", "polls/render", "max", "total"],
    rows,
  );
  console.log(
    `loopback and timers: the seed's answers come ${figures.seedExcess.median} s (median; max ${figures.seedExcess.max} s) ` +
      `after its polls were due, i.e. ${Math.round(figures.seedExcess.median * timeScale * 1000)} ms measured`,
  );
  const renderRow = (row) => [
    row.prompt,
    row.seed.seconds,
    row.seed.delaySeconds,
    row.seed.polls,
    row.relay?.seconds,
    row.relay?.delaySeconds,
    row.relay?.polls,
    row.relay?.pollTimesSeconds.map((at) => Math.round(at)).join(" "),
  ];
  table(
    "Each render: length and delay in s, polls (PromptReel's poll times: s after the render was created upstream)",
    ["", "seed: length", "delay", "polls", "PromptReel: length", "delay", "polls", "poll times"],
    renders.map(renderRow),
  );
  if (relayMissing) {
    console.log("PromptReel: not measured, the relay has no export routes (POST /sessions/{id}/exports) yet");
    return;
  }
  if (!figures.sameLengths) console.log("warning: the two paths rendered drafts of different lengths: compare per render");
  const { target } = figures;
  console.log(
    `target (median delay ≤ ${targetMedianSeconds} s, polls no more than the seed's): ${target.pass ? "PASS" : "FAIL"} · ` +
      `median ${figures.relay.delay.median} s ${target.medianDelay ? "≤" : ">"} ${targetMedianSeconds} s · ` +
      `polls ${figures.relay.polls.total} ${target.polls ? "≤" : ">"} ${figures.seed.polls.total}`,
  );
}
