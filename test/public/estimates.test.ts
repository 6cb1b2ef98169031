import { reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { call, emulator, newVisitor, useEmulator } from "../helpers";

useEmulator();
afterEach(() => reset());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FINAL = ["completed", "failed", "cancelled"];

/** Reads `path` until `done` says so (or the time is up); answers the last body. */
async function until(key: string, path: string, done: (body: any) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call(path, { key });
    if (done(body) || Date.now() > deadline) return body;
    await sleep(20);
  }
}

const inTheFuture = (at: unknown) => typeof at === "string" && !Number.isNaN(Date.parse(at)) && Date.parse(at) > Date.now();

describe("estimatedCompletionAt", () => {
  it("absent before this deployment has finished anything; then a rendering generation and a processing export, another visitor's, carry one in the future", async () => {
    const first = await newVisitor();
    const { body: made } = await call("/generations", { method: "POST", key: first.key, json: { prompt: "a fox running through a snowy forest" } });
    const generating = await until(first.key, `/generations/${made.generationId}`, (body) => body.status !== "queued");
    expect(generating.status).toBe("generating");
    // Nothing has finished here yet and a turn has no progress: nothing to go by, so no estimate.
    expect(generating).not.toHaveProperty("estimatedCompletionAt");
    const done = await until(first.key, `/generations/${made.generationId}`, (body) => FINAL.includes(body.status));
    expect(done.status).toBe("completed");
    expect(done).not.toHaveProperty("estimatedCompletionAt");

    // A slow render (3 s at the tests' time scale), for another visitor: the deployment's figures are shared.
    await emulator.fault("shape-render", { params: { seconds: 600 } });
    const second = await newVisitor();
    const { body: next } = await call("/generations", { method: "POST", key: second.key, json: { prompt: "a lighthouse at dusk" } });
    const waiting = await until(second.key, `/generations/${next.generationId}`, (body) => body.status === "generating" || FINAL.includes(body.status));
    expect(waiting.status).toBe("generating");
    expect(inTheFuture(waiting.estimatedCompletionAt), `generating: ${waiting.estimatedCompletionAt}`).toBe(true);

    const rendering = await until(second.key, `/generations/${next.generationId}`, (body) => body.status !== "queued" && body.status !== "generating");
    expect(rendering.status).toBe("rendering");
    expect(inTheFuture(rendering.estimatedCompletionAt), `rendering: ${rendering.estimatedCompletionAt}`).toBe(true);
    const processing = await until(second.key, `/exports/${rendering.exportId}`, (body) => body.status !== "pending");
    expect(processing.status).toBe("processing");
    expect(inTheFuture(processing.estimatedCompletionAt), `processing: ${processing.estimatedCompletionAt}`).toBe(true);
    // The lists say the same of them.
    const { body: exportList } = await call("/exports", { key: second.key });
    expect(inTheFuture(exportList.exports[0].estimatedCompletionAt)).toBe(true);
    const { body: generationList } = await call("/generations", { key: second.key });
    expect(inTheFuture(generationList.generations[0].estimatedCompletionAt)).toBe(true);

    const finished = await until(second.key, `/generations/${next.generationId}`, (body) => FINAL.includes(body.status));
    expect(finished.status).toBe("completed");
    expect(finished).not.toHaveProperty("estimatedCompletionAt");
  }, 40_000);
});
