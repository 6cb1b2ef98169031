import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { cpuSeconds } from "./servers.mjs";
import { MB, now, ratio, sleep } from "./stats.mjs";

/** The file's bytes: one random mebibyte, sent again and again, so the bench holds 1 MiB whatever the size. */
const BLOCK = randomBytes(1 << 20);
/** What a browser's upload typically hands the network at a time. */
const CHUNK = 64 * 1024;
const SAMPLE_EVERY_MS = 50;
const UPLOAD_TIMEOUT_MS = 60_000;

/** A `multipart/form-data` body with one file `take.mp4` of `size` bytes in the field `files`, generated as sent. */
function multipartBody(size) {
  const boundary = `----PromptReelBench${randomBytes(12).toString("hex")}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="take.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* chunks() {
    yield head;
    for (let sent = 0; sent < size; ) {
      const offset = sent % BLOCK.length;
      const length = Math.min(CHUNK, size - sent, BLOCK.length - offset);
      yield BLOCK.subarray(offset, offset + length);
      sent += length;
    }
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + size + tail.length,
    stream: Readable.from(chunks(), { objectMode: false }),
  };
}

/** POSTs a generated upload with a Content-Length; resolves with the status, the answer and the time taken. */
function postUpload(base, { path, headers }, size) {
  const body = multipartBody(size);
  const startedAt = now();
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), {
      method: "POST",
      headers: { ...headers, "content-type": body.contentType, "content-length": body.length },
    });
    req.setTimeout(UPLOAD_TIMEOUT_MS, () => req.destroy(new Error(`upload of ${size / MB} MB timed out`)));
    req.once("error", reject);
    req.once("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (piece) => (text += piece));
      response.once("end", () => resolve({ status: response.statusCode, text, ms: now() - startedAt }));
      response.once("error", reject);
    });
    // An early answer (an error) ends the request while it is still being sent: the answer says what happened.
    pipeline(body.stream, req).catch(() => {});
  });
}

/** Resident memory of a process now, in kB (KiB) as /proc gives it: current (VmRSS) and peak so far (VmHWM). */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

/** Samples the processes' memory every ~50 ms while `work` runs (or for `work` ms), then returns the samples. */
async function sampled(pids, work) {
  const samples = [];
  const take = () => samples.push({ at: now(), ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, memory(pid)])) });
  take();
  const timer = setInterval(take, SAMPLE_EVERY_MS);
  try {
    const result = typeof work === "number" ? await sleep(work) : await work();
    take();
    return { result, samples };
  } finally {
    clearInterval(timer);
  }
}

const kbToMb = (kb) => Math.round(((kb * 1024) / MB) * 10) / 10;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Idle memory of each process over `ms`: median, and the spread (max − min) that is noise. */
async function idle(pids, ms) {
  const { samples } = await sampled(pids, ms);
  return Object.fromEntries(
    Object.keys(pids).map((name) => {
      const rss = samples.map((sample) => sample[name].rss);
      return [name, { rssMB: kbToMb(median(rss)), spreadMB: kbToMb(Math.max(...rss) - Math.min(...rss)), samples: rss.length }];
    }),
  );
}

/** One upload with memory sampled before (baseline), during and after it; growth is the peak over the baseline. */
async function measuredUpload({ label, base, target, size, pids, check }) {
  const before = await sampled(pids, 500);
  const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const during = await sampled(pids, () => postUpload(base, target, size));
  const cpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, Math.round((cpuSeconds(pid) - cpuBefore[name]) * 100) / 100]));
  const after = await sampled(pids, 300);
  const upload = during.result;
  if (upload.status !== 200) throw new Error(`${label}: HTTP ${upload.status}: ${upload.text.slice(0, 300)}`);
  const received = await check(upload);
  const figures = {};
  for (const name of Object.keys(pids)) {
    const baseline = median(before.samples.map((sample) => sample[name].rss));
    const peak = Math.max(...during.samples.map((sample) => sample[name].rss));
    figures[name] = {
      baselineMB: kbToMb(baseline),
      peakMB: kbToMb(peak),
      growthMB: kbToMb(peak - baseline),
      growthPerFileSize: ratio((peak - baseline) * 1024, size),
      afterMB: kbToMb(median(after.samples.map((sample) => sample[name].rss))),
      hwmBeforeMB: kbToMb(before.samples.at(-1)[name].hwm),
      hwmAfterMB: kbToMb(during.samples.at(-1)[name].hwm),
      cpuSeconds: cpu[name],
    };
  }
  return {
    label,
    fileMB: size / MB,
    seconds: Math.round(upload.ms) / 1000,
    throughputMBps: Math.round((size / MB / (upload.ms / 1000)) * 10) / 10,
    samples: during.samples.length,
    emulatorMaxBufferedBytes: received.maxBufferedBytes,
    memory: figures,
  };
}

/**
 * Streams uploads while sampling the resident memory and CPU time of the relay's workerd (the Worker's runtime,
 * and wrangler's proxy in front of it) and of the emulator's. First one straight to the emulator, the control:
 * its multipart reader provably holds a few KB (`maxBufferedBytes`), so whatever its workerd grows is the
 * runtime's own doing. Then each size through the relay. `relay`/`emulator` are servers from `startWrangler`,
 * `targets` the sessions `benchChat` opened. Every upload is checked: 200, and every byte counted by the emulator.
 */
export async function benchUpload({ relay, emulator, targets, sizes }) {
  const pids = { relay: relay.workerdPid, relayProxy: relay.proxyPid, emulator: emulator.workerdPid };
  const received = async (size) => {
    const { uploads } = await fetch(`${emulator.url}/__emulator/uploads`).then((response) => response.json());
    const last = uploads.at(-1);
    if (last?.files?.[0]?.bytes !== size) throw new Error(`the emulator counted ${last?.files?.[0]?.bytes} bytes of a ${size}-byte file`);
    return last;
  };
  // The emulator is the uploads' sink: it hashes each part only for the tests, not here (its CPU would bound both paths).
  await fetch(`${emulator.url}/__emulator/config`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ uploadDigests: false }) });
  const idleFigures = await idle(pids, 1500);
  const largest = Math.max(...sizes);
  const direct = await measuredUpload({
    label: `${largest / MB} MB straight to the emulator`,
    base: emulator.url,
    target: targets.direct,
    size: largest,
    pids,
    check: () => received(largest),
  });
  const throughRelay = [];
  for (const [index, size] of sizes.entries())
    throughRelay.push(
      await measuredUpload({
        label: `${size / MB} MB through the relay${sizes.indexOf(size) < index ? ", again" : ""}`,
        base: relay.url,
        target: targets.relay,
        size,
        pids,
        check: (upload) => {
          const name = JSON.parse(upload.text).files?.[0]?.name;
          if (name !== "take.mp4") throw new Error(`the relay answered ${upload.text.slice(0, 200)}`);
          return received(size);
        },
      }),
    );
  return { idle: idleFigures, direct, relay: throughRelay };
}
