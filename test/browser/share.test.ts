import { beforeEach, describe, expect, it } from "vitest";
import { baseUrl, nextAddress, resetEmulator, snap, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

/** A visitor with one finished video, made through the public API as any client would, and shared. */
async function sharedVideo() {
  const headers = { "CF-Connecting-IP": nextAddress(), "Content-Type": "application/json" };
  const { key } = await (await fetch(`${baseUrl}/api/v1/visitors`, { method: "POST", headers })).json();
  const auth = { ...headers, Authorization: `Bearer ${key}` };
  const made = await fetch(`${baseUrl}/api/v1/generations`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ prompt: "a lighthouse at dusk" }),
  });
  expect(made.status).toBe(202);
  for (let waited = 0; waited < 60_000; waited += 200) {
    const { videos } = await (await fetch(`${baseUrl}/api/v1/videos`, { headers: auth })).json();
    if (videos.length) {
      const share = await fetch(`${baseUrl}/api/v1/videos/${videos[0].videoId}/share`, { method: "POST", headers: auth });
      return { ...videos[0], ...(await share.json()), auth } as { videoId: string; title: string; shareUrl: string; auth: Record<string, string> };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("no video within 60 s");
}

describe("a shared video, as a browser and a link preview see it", () => {
  it("Chromium reads the Open Graph and Twitter tags, plays the MP4 with scripts off, and the MP4 answers a range", async () => {
    const { shareUrl, title } = await sharedVideo();
    expect(shareUrl).toMatch(new RegExp(`^${baseUrl}/v/[A-Za-z0-9_-]{22}$`));

    // Chromium's own HTML parser reads the tags (not ours): what a link preview reads.
    const page = await open(shareUrl, { javaScriptEnabled: false });
    const tags = Object.fromEntries(
      await Promise.all(
        (await page.locator("meta[property], meta[name]").all()).map(async (meta) => [
          (await meta.getAttribute("property")) ?? (await meta.getAttribute("name")),
          await meta.getAttribute("content"),
        ]),
      ),
    ) as Record<string, string>;
    // Under the emulator the video is a sample clip, and the page and its previews say so.
    expect(tags["og:title"]).toBe(`${title} (sample clip)`);
    expect(tags["og:description"]).toMatch(/^A sample clip: .* not made from its prompt\.$/);
    await page.getByText("A sample clip: this PromptReel runs on its built-in stand-in for NemoVideo").waitFor();
    expect(tags["og:type"]).toMatch(/^video/);
    expect(tags["og:video:type"]).toBe("video/mp4");
    expect(tags["og:video"]).toMatch(new RegExp(`^${shareUrl}/video\\.mp4`));
    expect(tags["og:image"]).toMatch(/^http/);
    expect(tags["twitter:card"]).toBe("player");
    expect(tags["twitter:player"]).toBe(`${shareUrl}/embed`);
    expect(Number(tags["twitter:player:width"])).toBeGreaterThan(0);
    expect(Number(tags["twitter:player:height"])).toBeGreaterThan(0);
    await expect(page.locator("script").count()).resolves.toBe(0);
    await expect(page.getByRole("link", { name: "Make your own" }).getAttribute("href")).resolves.toMatch(/^http/);

    // With scripts off, the page's <video> alone loads the MP4 from our bucket: Chromium knows its length.
    const video = page.locator("video");
    await expect(video.getAttribute("src")).resolves.toBe(tags["og:video"]);
    await snap(page, "share-page");

    // A second look with scripts on, only to read the player's clock: it plays.
    const player = await open(shareUrl);
    const clock = await player.locator("video").evaluate(async (element: HTMLVideoElement) => {
      element.muted = true;
      await element.play();
      const start = element.currentTime;
      await new Promise((resolve) => setTimeout(resolve, 800));
      return { start, later: element.currentTime, duration: element.duration };
    });
    expect(clock.duration).toBeGreaterThan(1);
    expect(clock.later).toBeGreaterThan(clock.start);

    const range = await fetch(tags["og:video"], { headers: { Range: "bytes=0-99" } });
    expect(range.status).toBe(206);
    expect(range.headers.get("Content-Type")).toBe("video/mp4");
    expect(range.headers.get("Content-Range")).toMatch(/^bytes 0-99\/\d+$/);
    const head = new Uint8Array(await range.arrayBuffer());
    expect(head.length).toBe(100);
    expect(new TextDecoder().decode(head.subarray(4, 8))).toBe("ftyp");
  });

  it("the oEmbed link the page advertises answers JSON whose iframe plays the video in another page", async () => {
    const { shareUrl, title } = await sharedVideo();
    const page = await open(shareUrl, { javaScriptEnabled: false });
    const discovery = await page.locator('link[rel="alternate"][type="application/json+oembed"]').getAttribute("href");
    expect(discovery).toBe(`${baseUrl}/oembed?url=${encodeURIComponent(shareUrl)}`);
    const answer = await fetch(discovery!);
    expect(answer.headers.get("Content-Type")).toMatch(/^application\/json/);
    const oembed = await answer.json();
    expect(oembed).toMatchObject({ version: "1.0", type: "video", title: `${title} (sample clip)`, provider_name: "PromptReel" });
    expect(oembed.width).toBeGreaterThan(0);
    expect(oembed.height).toBeGreaterThan(0);

    // A consumer drops the html into its own page: Chromium shows the player from the iframe.
    const host = await open("/");
    await host.setContent(`<!doctype html><h1>Someone's blog</h1>${oembed.html}`);
    const frame = host.frameLocator("iframe");
    await frame.locator("video").waitFor();
    await expect(frame.locator("video").getAttribute("src")).resolves.toMatch(new RegExp(`^${shareUrl}/video\\.mp4`));
    await expect(
      frame.locator("video").evaluate(
        (element: HTMLVideoElement) =>
          new Promise<number>((resolve) => {
            if (element.readyState >= 1) resolve(element.duration);
            element.addEventListener("loadedmetadata", () => resolve(element.duration));
          }),
      ),
    ).resolves.toBeGreaterThan(1);
    await snap(host, "oembed-host");
  });

  it("a share link taken down says so plainly, with the way to make one", async () => {
    const { shareUrl, videoId, auth } = await sharedVideo();
    expect((await fetch(`${baseUrl}/api/v1/videos/${videoId}/share`, { method: "DELETE", headers: auth })).status).toBe(204);
    const page = await open(shareUrl);
    await page.getByRole("heading", { name: "This video is not shared" }).waitFor();
    await expect(page.getByRole("link", { name: "Make your own" }).isVisible()).resolves.toBe(true);
    await snap(page, "share-page-gone");
  });
});
