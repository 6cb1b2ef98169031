import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, chat, emulator, newSession, useEmulator } from "../helpers";

useEmulator();

/** A visitor with one finished video: a generated clip, exported to its end. */
async function finishedVideo(prompt = "a fox running through a snowy forest") {
  const session = await newSession("en");
  await emulator.grantCredits(1000);
  await chat(session.key, session.sessionId, prompt);
  const { body } = await call(`/sessions/${session.sessionId}/exports`, { method: "POST", key: session.key, json: {} });
  const deadline = Date.now() + 8000;
  let status = body.status;
  while (status !== "completed" && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    status = (await call(`/exports/${body.exportId}`, { key: session.key })).body.status;
  }
  expect(status).toBe("completed");
  return { ...session, videoId: body.exportId as string };
}

const get = (url: string, headers: Record<string, string> = {}) => exports.default.fetch(new Request(url, { headers }));

describe("my videos", () => {
  it("a finished video is in the library, kept in our own storage: it still plays when NemoVideo's copy is gone", async () => {
    const { key, videoId, visitorId } = await finishedVideo();
    expect(await env.VIDEOS.head(`videos/${visitorId}/${videoId}.mp4`)).not.toBeNull();
    const { body } = await call("/videos", { key });
    expect(body.videos).toHaveLength(1);
    const video = body.videos[0];
    expect(video).toMatchObject({ videoId, title: expect.any(String), createdAt: expect.any(Number) });
    expect(video.durationS).toBeGreaterThan(0);
    expect(video.url).toMatch(/^http:\/\/localhost\/api\/v1\/exports\/exp_[0-9a-f]{16}\/download\?.*sig=.*&inline=1$/);
    expect(video.downloadUrl).toMatch(/^http:\/\/localhost\/.*sig=/);
    // NemoVideo forgets everything (its result links are not ours to keep): ours still answers, with ranges.
    await emulator.reset();
    const whole = await get(video.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("Content-Disposition")).toBeNull();
    const bytes = new Uint8Array(await whole.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe("ftyp");
    const part = await get(video.url, { Range: "bytes=100-199" });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const download = await get(video.downloadUrl);
    expect(download.headers.get("Content-Disposition")).toMatch(new RegExp(`^attachment; filename="${video.title.replace(/[^\x20-\x7e]/g, "_")}\\.mp4"`));
    await download.body?.cancel();
  });

  it("a second video never replaces the first: both are listed, newest first", async () => {
    const first = await finishedVideo();
    const session = await call("/sessions", { method: "POST", key: first.key, json: {} });
    await chat(first.key, session.body.sessionId, "generate a video of a cat on a windowsill");
    const second = await call(`/sessions/${session.body.sessionId}/exports`, { method: "POST", key: first.key, json: {} });
    const deadline = Date.now() + 8000;
    while ((await call(`/exports/${second.body.exportId}`, { key: first.key })).body.status !== "completed" && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const { body } = await call("/videos", { key: first.key });
    expect(body.videos.map((video: any) => video.videoId)).toEqual([second.body.exportId, first.videoId]);
  });

  it("deleting a video deletes our copy: it leaves the library, its download and its share page answer 404", async () => {
    const { key, videoId, visitorId } = await finishedVideo();
    const video = (await call(`/videos/${videoId}`, { key })).body;
    const { shareUrl } = (await call(`/videos/${videoId}/share`, { method: "POST", key })).body;
    expect((await call(`/videos/${videoId}`, { method: "DELETE", key })).status).toBe(204);
    expect((await call("/videos", { key })).body.videos).toEqual([]);
    expect((await call(`/videos/${videoId}`, { key })).status).toBe(404);
    expect((await get(video.downloadUrl)).status).toBe(404);
    expect((await get(shareUrl)).status).toBe(404);
    expect((await get(`${shareUrl}/video.mp4`)).status).toBe(404);
    expect(await env.VIDEOS.head(`videos/${visitorId}/${videoId}.mp4`)).toBeNull();
  });
});

describe("share pages", () => {
  it("sharing answers an absolute page with an unguessable id that is not the video's; again, the same page", async () => {
    const { key, videoId } = await finishedVideo();
    const first = await call(`/videos/${videoId}/share`, { method: "POST", key });
    expect(first.status).toBe(201);
    expect(first.body.shareUrl).toMatch(/^http:\/\/localhost\/v\/[A-Za-z0-9_-]{22}$/);
    expect(first.body.shareUrl).not.toContain(videoId.slice(4));
    const again = await call(`/videos/${videoId}/share`, { method: "POST", key });
    expect(again.status).toBe(200);
    expect(again.body.shareUrl).toBe(first.body.shareUrl);
    expect((await call(`/videos/${videoId}`, { key })).body.shareUrl).toBe(first.body.shareUrl);
  });

  it("the page plays with no script, its MP4 answers ranges, and taking it down makes it 404", async () => {
    const { key, videoId } = await finishedVideo();
    const { shareUrl } = (await call(`/videos/${videoId}/share`, { method: "POST", key })).body;
    const page = await get(shareUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(`<video controls playsinline preload="metadata" src="${shareUrl}/video.mp4"`);
    expect(html).toContain('<meta property="og:video:type" content="video/mp4">');
    expect(html).toContain(`<meta name="twitter:player" content="${shareUrl}/embed">`);
    expect(html).toContain(`href="http://localhost/oembed?url=${encodeURIComponent(shareUrl)}"`);
    // The emulator's videos are sample clips, and the page says so: to its visitor and to link previews.
    expect(html).toContain('<p class="sample">A sample clip: this PromptReel runs on its built-in stand-in for NemoVideo');
    expect(html).toMatch(/<meta property="og:title" content="[^"]+ \(sample clip\)">/);
    expect(html).toMatch(/<meta property="og:description" content="A sample clip: /);
    expect(page.headers.get("Content-Security-Policy")).toMatch(/frame-ancestors \*/);
    const range = await get(`${shareUrl}/video.mp4`, { Range: "bytes=0-7" });
    expect(range.status).toBe(206);
    expect(new TextDecoder().decode((await range.arrayBuffer()).slice(4, 8))).toBe("ftyp");
    expect((await call(`/videos/${videoId}/share`, { method: "DELETE", key })).status).toBe(204);
    expect((await get(shareUrl)).status).toBe(404);
    expect((await get(`${shareUrl}/video.mp4`)).status).toBe(404);
    expect((await get(`http://localhost/oembed?url=${encodeURIComponent(shareUrl)}`)).status).toBe(404);
  });

  it("oEmbed describes a shared video: version 1.0, a video, an iframe of the player, its size, title and provider", async () => {
    const { key, videoId } = await finishedVideo();
    const { shareUrl } = (await call(`/videos/${videoId}/share`, { method: "POST", key })).body;
    const answer = await get(`http://localhost/oembed?url=${encodeURIComponent(shareUrl)}&format=json`);
    expect(answer.status).toBe(200);
    const oembed = await answer.json<any>();
    expect(oembed).toMatchObject({ version: "1.0", type: "video", provider_name: "PromptReel", width: 640, height: 360 });
    // The tests' NemoVideo is the emulator: the title says the video is a sample clip.
    expect(oembed.title).toBe(`${(await call(`/videos/${videoId}`, { key })).body.title} (sample clip)`);
    expect(oembed.html).toMatch(new RegExp(`^<iframe src="${shareUrl}/embed" width="640" height="360"`));
    expect((await get(`http://localhost/oembed?url=${encodeURIComponent("https://elsewhere.example/v/x")}`)).status).toBe(404);
  });
});

describe("posters", () => {
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Array(200).fill(7), 0xff, 0xd9]);

  it("the page's still becomes the video's poster: a signed address in the library, and the share page's og:image", async () => {
    const { key, videoId } = await finishedVideo();
    const put = await call(`/videos/${videoId}/poster`, { method: "PUT", key, body: jpeg, headers: { "Content-Type": "image/jpeg" } });
    expect(put.status).toBe(204);
    const { posterUrl } = (await call(`/videos/${videoId}`, { key })).body;
    expect(posterUrl).toMatch(/^http:\/\/localhost\/api\/v1\/videos\/exp_[0-9a-f]{16}\/poster\.jpg\?.*sig=/);
    const poster = await get(posterUrl);
    expect(poster.headers.get("Content-Type")).toBe("image/jpeg");
    expect(new Uint8Array(await poster.arrayBuffer())).toEqual(jpeg);
    const { shareUrl } = (await call(`/videos/${videoId}/share`, { method: "POST", key })).body;
    expect(new Uint8Array(await (await get(`${shareUrl}/poster.jpg`)).arrayBuffer())).toEqual(jpeg);
  });

  it("only a JPEG of at most 256 KB is taken; a video with no poster shares PromptReel's card", async () => {
    const { key, videoId } = await finishedVideo();
    expect((await call(`/videos/${videoId}/poster`, { method: "PUT", key, body: "<svg/>", headers: { "Content-Type": "image/svg+xml" } })).status).toBe(415);
    const big = new Uint8Array(257 * 1024);
    expect((await call(`/videos/${videoId}/poster`, { method: "PUT", key, body: big, headers: { "Content-Type": "image/jpeg" } })).status).toBe(413);
    const { shareUrl } = (await call(`/videos/${videoId}/share`, { method: "POST", key })).body;
    const card = await exports.default.fetch(new Request(`${shareUrl}/poster.jpg`, { redirect: "manual" }));
    expect(card.status).toBe(302);
    expect(card.headers.get("Location")).toBe("/share-card.png");
    const image = await get(new URL("/share-card.png", shareUrl).href);
    expect(image.status).toBe(200);
    expect(image.headers.get("Content-Type")).toBe("image/png");
    expect(new Uint8Array(await image.arrayBuffer()).subarray(1, 4)).toEqual(new TextEncoder().encode("PNG"));
  });
});
