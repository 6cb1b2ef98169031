import { beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { emulator, resetEmulator, snap, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

/** The mean brightness (0–255) of an image the page can load, drawn on a canvas. */
const brightness = (page: Page, url: string) =>
  page.evaluate(async (src) => {
    const image = new Image();
    image.src = src;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext("2d")!;
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i] + data[i + 1] + data[i + 2];
    return sum / ((data.length / 4) * 3);
  }, url);

const videos = (page: Page) =>
  page.evaluate(async () => {
    const headers = { Authorization: `Bearer ${localStorage.getItem("promptreel:visitorKey")}` };
    return (await (await fetch("/api/v1/videos", { headers })).json()).videos as { videoId: string; posterUrl?: string }[];
  });

for (const width of [1280, 390]) {
  describe(`posters, at ${width} px`, () => {
    it("every poster is a real frame, well above black: in My videos, in the chat after a reload, and as the share page's og:image", async () => {
      // Two videos, in two shapes; the second is finished while no page is open.
      const page = await open("/", { viewport: { width, height: 844 } });
      await page.getByLabel("Describe your video").fill("a fox running through a snowy forest");
      await page.getByLabel("Describe your video").press("Enter");
      await page.locator(".line.video video.player").waitFor({ timeout: 30_000 });
      const { tokens } = (await emulator("tokens")) as { tokens: { userId: string }[] };
      for (const { userId } of tokens) await emulator("users/credits", { userId, available: 1000 });
      const key = await page.evaluate(() => localStorage.getItem("promptreel:visitorKey"));
      const base = new URL(page.url()).origin;
      const made = await fetch(`${base}/api/v1/generations`, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", "CF-Connecting-IP": "198.51.100.250" },
        body: JSON.stringify({ prompt: "a sunset over the ocean", aspectRatio: "9:16" }),
      });
      expect(made.status).toBe(202);
      await expect.poll(async () => (await videos(page)).length, { timeout: 30_000 }).toBe(2);

      await page.reload();
      await page.getByRole("link", { name: "My videos" }).click();
      await expect.poll(async () => (await videos(page)).every((video) => video.posterUrl), { timeout: 20_000 }).toBe(true);
      for (const video of await videos(page)) expect(await brightness(page, video.posterUrl!)).toBeGreaterThan(40);
      await page.locator(".video-card img").nth(1).waitFor();
      await snap(page, `posters-${width}`);

      // The chat after a reload shows the poster on its player.
      await page.getByRole("link", { name: "Make a video" }).click();
      const poster = await page.locator(".line.video video.player").first().getAttribute("poster");
      expect(poster).toMatch(/poster\.jpg/);
      expect(await brightness(page, poster!)).toBeGreaterThan(40);

      // The share page's og:image, fetched as a link preview would.
      await page.getByRole("button", { name: "Share", exact: true }).first().click();
      const shareUrl = await page.getByLabel("Public link").inputValue();
      const html = await (await fetch(shareUrl)).text();
      const image = /<meta property="og:image" content="([^"]+)"/.exec(html)?.[1];
      expect(image).toBeTruthy();
      const fetched = await fetch(image!.replace(/&amp;/g, "&"));
      expect(fetched.headers.get("Content-Type")).toMatch(/image\/jpeg/);
      const dataUrl = `data:image/jpeg;base64,${Buffer.from(await fetched.arrayBuffer()).toString("base64")}`;
      expect(await brightness(page, dataUrl)).toBeGreaterThan(40);
      await page.context().close();
    }, 120_000);
  });
}
