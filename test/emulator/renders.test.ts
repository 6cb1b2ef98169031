import { beforeEach, describe, expect, it } from "vitest";
import { arm, ATTRIBUTION, authed, configure, control, emu, eventually, json, newSession, reset, type Json } from "./helpers";

const DRAFT = {
  t: [
    { tt: 0, sg: [{ n: "city timelapse", s: 0, e: 6000, v: 1 }] },
    { tt: 1, sg: [{ n: "Lo-fi", s: 0, e: 6000, v: 0.35 }] },
  ],
  d: 6000,
  m: { title: "Urban Dreams", width: 1280, height: 720 },
};

const startRender = (token: string, id: string, draft: unknown = DRAFT, headers: Record<string, string> = ATTRIBUTION) =>
  authed(token, "/api/render/proxy/lambda", {
    method: "POST",
    headers,
    body: { id, sessionId: "5529798706024415232", draft, output: { format: "mp4", quality: "high" } },
  });

const poll = (token: string, id: string) => json(authed(token, `/api/render/proxy/lambda/${id}`));

const until = (token: string, id: string, status: string) =>
  eventually(async () => {
    const body = await poll(token, id);
    const data = body.data ?? body;
    return data.status === status && data;
  });

const CURVES = ["straight", "slow-start", "plateau", "steps", "stuck", "none"];

/** Checks that bytes are an MP4: an `ftyp` box first. */
const isMp4 = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(4, 8)) === "ftyp";

beforeEach(async () => {
  await reset();
  await configure({ timeScale: 0.002 });
});

describe("renders", () => {
  it("moves from pending through processing to completed, and serves a real MP4 with ranges", async () => {
    const { token } = await newSession();
    expect(await json(startRender(token, "render_1"))).toEqual({
      success: true,
      data: { id: "render_1", status: "pending", progress: 5 },
    });
    const seen: Json[] = [];
    const done = await eventually(async () => {
      const { data } = await poll(token, "render_1");
      seen.push(data);
      return data.status === "completed" && data;
    });
    expect(seen.map((data) => data.status)).toContain("processing");
    const progress = seen.map((data) => data.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(done).toEqual({
      id: "render_1",
      status: "completed",
      progress: 100,
      outputUrl: "http://nemo.emulator/render-result/render_1.mp4",
      createdAt: expect.any(Number),
      completedAt: expect.any(Number),
    });

    const file = await authed(token, "/api/render/proxy/render_1/download");
    expect(file.headers.get("content-type")).toBe("video/mp4");
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(Number(file.headers.get("content-length"))).toBe(bytes.byteLength);
    expect(bytes.byteLength).toBeGreaterThan(20_000);
    expect(isMp4(bytes)).toBe(true);

    const head = await authed(token, "/api/render/proxy/render_1/download", { headers: { range: "bytes=0-15" } });
    expect(head.status).toBe(206);
    expect(head.headers.get("content-range")).toBe(`bytes 0-15/${bytes.byteLength}`);
    expect(isMp4(new Uint8Array(await head.arrayBuffer()))).toBe(true);

    const cdn = await emu("/render-result/render_1.mp4", { headers: { range: "bytes=-100" } });
    expect(cdn.status).toBe(206);
    expect(new Uint8Array(await cdn.arrayBuffer())).toEqual(bytes.subarray(bytes.byteLength - 100));
    expect((await emu("/render-result/render_1.mp4", { headers: { range: `bytes=${bytes.byteLength}-` } })).status).toBe(416);
  });

  it("refuses an anonymous export without attribution headers with 402, but not a registered user's", async () => {
    const { token } = await newSession();
    const refused = await startRender(token, "render_a", DRAFT, {});
    expect(refused.status).toBe(402);
    expect((await json(refused)).success).toBe(false);
    const registered = await control("users", {});
    expect((await startRender(registered.token, "render_b", DRAFT, {})).status).toBe(200);
  });

  it("refuses an empty draft and a duplicate id", async () => {
    const { token } = await newSession();
    const empty = await startRender(token, "render_e", { t: [{ tt: 0, sg: [] }], d: 0 });
    expect(empty.status).toBe(400);
    expect(await json(empty)).toEqual({ success: false, error: "draft is empty" });
    await startRender(token, "render_d");
    const duplicate = await startRender(token, "render_d");
    expect(duplicate.status).toBe(409);
    expect(await json(duplicate)).toEqual({ success: false, error: "duplicate render id" });
    await configure({ duplicateRender: "existing" });
    expect((await json(startRender(token, "render_d"))).data.id).toBe("render_d");
  });

  it("answers in shape B, and bare, when configured", async () => {
    await configure({ renderShape: "b", renderEnvelope: "bare" });
    const { token } = await newSession();
    expect(await json(startRender(token, "render_s"))).toEqual({ id: "render_s", status: "pending", progress: 5 });
    const done = await until(token, "render_s", "completed");
    expect(done).toEqual({
      taskId: "render_s",
      status: "completed",
      progress: 100,
      output: { url: "http://nemo.emulator/render-result/render_s.mp4", duration: expect.any(Number), size: expect.any(Number) },
    });
  });

  it("cancels a running render, which then reports failed with error cancelled", async () => {
    const { token } = await newSession();
    await startRender(token, "render_c");
    const cancelled = await json(authed(token, "/api/render/proxy/lambda/render_c/cancel", { method: "POST" }));
    expect(cancelled.data).toMatchObject({ status: "failed", error: "cancelled" });
    expect((await poll(token, "render_c")).data.status).toBe("failed");
    expect((await authed(token, "/api/render/proxy/render_c/download")).status).toBe(409);
  });

  it("fails a render with the fail-render fault", async () => {
    const { token } = await newSession();
    await arm("fail-render", { params: { message: "render failed: out of GPUs" } });
    await startRender(token, "render_f");
    expect((await poll(token, "render_f")).data.status).not.toBe("failed");
    expect(await until(token, "render_f", "failed")).toMatchObject({ error: "render failed: out of GPUs" });
  });

  it("downloads by redirect or as JSON, as downloadForm says", async () => {
    const { token } = await newSession();
    await startRender(token, "render_r");
    await until(token, "render_r", "completed");
    await configure({ downloadForm: "redirect" });
    const redirect = await authed(token, "/api/render/proxy/render_r/download", { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("http://nemo.emulator/render-result/render_r.mp4");
    await configure({ downloadForm: "json" });
    expect(await json(authed(token, "/api/render/proxy/render_r/download"))).toEqual({
      output: { url: "http://nemo.emulator/render-result/render_r.mp4", size: expect.any(Number) },
    });
  });

  it("answers 404 for another user's or an unknown render", async () => {
    const mine = await newSession();
    const other = await newSession();
    await startRender(mine.token, "render_o");
    expect((await authed(other.token, "/api/render/proxy/lambda/render_o")).status).toBe(404);
    expect((await authed(mine.token, "/api/render/proxy/lambda/render_x")).status).toBe(404);
  });

  it("draws progress along the curve renderProgress names, and leaves it out with none", async () => {
    const { token } = await newSession();
    await configure({ timeScale: 0.02 });
    const LENGTH_MS = 30 * 1000 * 0.02;
    for (const curve of CURVES) {
      await configure({ renderProgress: curve });
      await arm("shape-render", { params: { seconds: 30 } });
      await startRender(token, `render_${curve}`);
    }
    // Each sample with the part of the render's time that had passed at the latest and at the earliest.
    const seen: Record<string, { progress?: number; from: number; to: number }[]> = Object.fromEntries(CURVES.map((curve) => [curve, []]));
    await eventually(async () => {
      let running = 0;
      for (const curve of CURVES) {
        const asked = Date.now();
        const { data } = await poll(token, `render_${curve}`);
        if (data.status === "completed") continue;
        seen[curve].push({ progress: data.progress, from: (asked - data.createdAt) / LENGTH_MS, to: (Date.now() - data.createdAt) / LENGTH_MS });
        running++;
      }
      return running === 0;
    });
    const all = (curve: string, holds: (sample: { progress?: number; from: number; to: number }) => boolean) =>
      expect(seen[curve].filter((sample) => !holds(sample)), curve).toEqual([]);
    all("straight", ({ progress, from, to }) => progress! >= Math.floor(5 + 95 * from) && progress! <= Math.floor(5 + 95 * to));
    all("slow-start", ({ progress, to }) => to >= 0.75 || progress! <= 17);
    all("plateau", ({ progress, from }) => (from >= 0.3 ? progress === 95 : progress! <= 95));
    all("steps", ({ progress }) => [5, 30, 55, 80].includes(progress!));
    all("stuck", ({ progress }) => progress === 5);
    all("none", ({ progress }) => progress === undefined);
    expect((await poll(token, "render_none")).data).not.toHaveProperty("progress");
    expect((await poll(token, "render_straight")).data).toMatchObject({ status: "completed", progress: 100 });
  });

  it("gives one render the length and curve of a shape-render fault", async () => {
    const { token } = await newSession();
    await configure({ timeScale: 0.01 });
    await arm("shape-render", { params: { seconds: 20, progress: "stuck" } });
    await startRender(token, "render_shaped");
    const done = await until(token, "render_shaped", "completed");
    expect(done.completedAt - done.createdAt).toBe(200);
    await startRender(token, "render_plain");
    expect((await poll(token, "render_plain")).data.progress).toBe(5);
  });

  it("takes a submission for a duplicate with duplicate-render: refused, or answered with the account's latest render", async () => {
    const { token } = await newSession();
    await arm("duplicate-render");
    expect(await json(startRender(token, "render_first"))).toEqual({ success: false, error: "duplicate render id" });
    await startRender(token, "render_1");
    await configure({ duplicateRender: "existing" });
    await arm("duplicate-render");
    expect((await json(startRender(token, "render_2"))).data).toMatchObject({ id: "render_1" });
    expect((await authed(token, "/api/render/proxy/lambda/render_2")).status).toBe(404);
  });

  it("refuses with {success:false} and HTTP 200 when renderErrorStatus says so", async () => {
    const { token } = await newSession();
    await configure({ renderErrorStatus: "200" });
    await startRender(token, "render_d");
    const duplicate = await startRender(token, "render_d");
    expect(duplicate.status).toBe(200);
    expect(await json(duplicate)).toEqual({ success: false, error: "duplicate render id" });
  });

  it("names no file in a completed render's answer with renderOutputUrl off; the download endpoint serves it, with ranges", async () => {
    const { token } = await newSession();
    await configure({ renderOutputUrl: false });
    await startRender(token, "render_u");
    expect(await until(token, "render_u", "completed")).toMatchObject({ outputUrl: null });
    const part = await authed(token, "/api/render/proxy/render_u/download", { headers: { range: "bytes=10-19" } });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(10);
  });
});
