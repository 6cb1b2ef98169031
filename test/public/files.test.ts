import { reset } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterEach, describe, expect, it } from "vitest";
import { attachmentNamed } from "../../worker/exports/download";
import { call, fetchWorker, newVisitor, useEmulator } from "../helpers";

/**
 * The files anyone can ask for without a key (a share page's MP4 and poster, a signed download), and what is left
 * of a video after it is deleted: OWASP API4 (a cheap request that costs a stack trace), API8 (stored content served
 * as something else), API3 (links that outlive what they point at).
 */
useEmulator();
afterEach(() => reset());

const get = (url: string, headers: Record<string, string> = {}) => exports.default.fetch(new Request(url, { headers }));

/** A visitor with a finished video made by a generation, shared. */
async function sharedVideo() {
  const { key, visitorId } = await newVisitor();
  const started = await call("/generations", { method: "POST", key, json: { prompt: "a fox running through a snowy forest" } });
  let generation = started.body;
  for (let i = 0; i < 400 && generation.status !== "completed"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 30));
    generation = (await call(`/generations/${started.body.generationId}`, { key })).body;
  }
  expect(generation.status).toBe("completed");
  const videoId = generation.exportId as string;
  const video = (await call(`/videos/${videoId}`, { key })).body;
  const { shareUrl } = (await call(`/videos/${videoId}/share`, { method: "POST", key })).body;
  const size = (await env.VIDEOS.head(`videos/${visitorId}/${videoId}.mp4`))!.size;
  return { key, visitorId, videoId, generationId: generation.generationId as string, video, shareUrl: shareUrl as string, size };
}

describe("byte ranges, parsed and answered by the Worker", () => {
  it("every public MP4 answers 416 with the size for a range it can't satisfy (bytes=-0, past the end, malformed), never a 500", async () => {
    const { video, shareUrl, size } = await sharedVideo();
    for (const url of [`${shareUrl}/video.mp4`, video.downloadUrl, video.url])
      for (const range of ["bytes=-0", `bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, "bytes=20-10", "bytes=abc", "bytes=", "bytes=--5", "bytes=1-2-3"]) {
        const answer = await get(url, { Range: range });
        expect(answer.status, `${range} on ${url}`).toBe(416);
        expect(answer.headers.get("Content-Range")).toBe(`bytes */${size}`);
        await answer.body?.cancel();
      }
  });

  it("a satisfiable range is 206 with exactly its bytes; what RFC 9110 lets a server ignore gets the whole file", async () => {
    const { video, shareUrl, size } = await sharedVideo();
    for (const url of [`${shareUrl}/video.mp4`, video.downloadUrl]) {
      const whole = new Uint8Array(await (await get(url)).arrayBuffer());
      expect(whole.byteLength).toBe(size);
      const cases: [string, number, number][] = [
        ["bytes=0-99", 0, 99],
        ["bytes=100-", 100, size - 1],
        ["bytes=-100", size - 100, size - 1],
        [`bytes=-${size * 2}`, 0, size - 1],
        [`bytes=10-${size * 5}`, 10, size - 1],
        [" bytes = 5-9 ".replace(" = ", "="), 5, 9],
        ["BYTES=1-1", 1, 1],
      ];
      for (const [range, first, last] of cases) {
        const part = await get(url, { Range: range });
        expect(part.status, range).toBe(206);
        expect(part.headers.get("Content-Range")).toBe(`bytes ${first}-${last}/${size}`);
        expect(part.headers.get("Content-Length")).toBe(String(last - first + 1));
        expect(new Uint8Array(await part.arrayBuffer())).toEqual(whole.subarray(first, last + 1));
      }
      const ignoredRanges: Record<string, string>[] = [{ Range: "items=0-5" }, { Range: "bytes=0-1,5-6" }, { Range: "bytes=0-9", "If-Range": '"not-this-one"' }];
      for (const ignored of ignoredRanges) {
        const answer = await get(url, ignored);
        expect(answer.status, JSON.stringify(ignored)).toBe(200);
        expect(answer.headers.get("Content-Length")).toBe(String(size));
        await answer.body?.cancel();
      }
      const etag = (await get(url)).headers.get("ETag");
      expect(etag).toBeTruthy();
      const current = await get(url, { Range: "bytes=0-9", "If-Range": etag! });
      expect(current.status).toBe(206);
      await current.body?.cancel();
    }
  });
});

describe("posters", () => {
  const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...new TextEncoder().encode("JFIF"), ...new Array(300).fill(9), 0xff, 0xd9]);

  it("HTML sent as image/jpeg is refused 415, nothing is stored, and the share page keeps PromptReel's card", async () => {
    const { key, visitorId, videoId, shareUrl } = await sharedVideo();
    const bodies = [
      new TextEncoder().encode("<!doctype html><script>alert(document.domain)</script>"),
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode("<html><script>alert(1)</script>")]),
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xd9]),
    ];
    for (const body of bodies) {
      const refused = await call(`/videos/${videoId}/poster`, { method: "PUT", key, body, headers: { "Content-Type": "image/jpeg" } });
      expect(refused.status).toBe(415);
      expect(refused.body.error).toMatchObject({ code: "unsupported_format", message: expect.stringMatching(/JPEG/) });
    }
    expect(await env.VIDEOS.head(`videos/${visitorId}/${videoId}.jpg`)).toBeNull();
    expect((await call(`/videos/${videoId}`, { key })).body.posterUrl).toBeUndefined();
    const card = await exports.default.fetch(new Request(`${shareUrl}/poster.jpg`, { redirect: "manual" }));
    expect(card.status).toBe(302);
    const taken = await call(`/videos/${videoId}/poster`, { method: "PUT", key, body: JPEG, headers: { "Content-Type": "image/jpeg" } });
    expect(taken.status).toBe(204);
    expect(new Uint8Array(await (await get(`${shareUrl}/poster.jpg`)).arrayBuffer())).toEqual(JPEG);
  });
});

describe("a deleted video", () => {
  it("its export, its generation and the agent's get_video offer no link to it any more, and say it was deleted", async () => {
    const { key, videoId, generationId } = await sharedVideo();
    expect((await call(`/videos/${videoId}`, { method: "DELETE", key })).status).toBe(204);
    const exported = await call(`/exports/${videoId}`, { key });
    expect(exported.status).toBe(200);
    expect(exported.body.downloadUrl).toBeUndefined();
    expect(exported.body.url).toBeUndefined();
    expect(exported.body.deletedAt).toBeGreaterThan(Date.now() - 60_000);
    const listed = (await call("/exports", { key })).body.exports.find((each: any) => each.exportId === videoId);
    expect(listed.downloadUrl).toBeUndefined();
    expect(listed.url).toBeUndefined();
    const generation = (await call(`/generations/${generationId}`, { key })).body;
    expect(generation.downloadUrl).toBeUndefined();
    expect(generation.url).toBeUndefined();
    expect(generation.deletedAt).toBeGreaterThan(0);
    const client = new Client({ name: "test", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    await client.connect(new StreamableHTTPClientTransport(new URL("http://localhost/mcp"), { fetch: fetchWorker, requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
    const result = await client.callTool({ name: "get_video", arguments: { id: generationId } });
    await client.close();
    expect(result.structuredContent).not.toHaveProperty("downloadUrl");
    expect(result.structuredContent).not.toHaveProperty("url");
    expect(JSON.stringify(result.content)).toMatch(/deleted/);
    expect(JSON.stringify(result.content)).not.toMatch(/download\?/);
  });
});

describe("download names", () => {
  it("filename*= encodes everything outside RFC 8187's attr-char, ' ( ) * included", () => {
    for (const title of ["it's (not) a *fox*", "狐狸 in the snow", "100% ~fun~ & more!"]) {
      const value = /filename\*=UTF-8''(.*)$/.exec(attachmentNamed(title))![1];
      expect(value, title).toMatch(/^(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-F]{2})+$/);
      expect(decodeURIComponent(value)).toMatch(/\.mp4$/);
    }
    expect(attachmentNamed("it's (not) a fox")).toContain("filename*=UTF-8''it%27s%20%28not%29%20a%20fox.mp4");
  });
});
