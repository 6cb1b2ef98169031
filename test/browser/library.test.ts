import type { Page } from "playwright-core";
import { beforeEach, describe, expect, it } from "vitest";
import { baseUrl, emulator, expectAccessible, resetEmulator, snap, tabTo, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

/** The API with the visitor key the page holds: the same visitor as the page, as its own scripts would call it. */
async function call(page: Page, path: string, init: { method?: string; json?: unknown } = {}) {
  const key = await page.evaluate(() => localStorage.getItem("promptreel:visitorKey"));
  return fetch(`${baseUrl}/api/v1${path}`, {
    method: init.method ?? "GET",
    headers: { Authorization: `Bearer ${key}`, ...(init.json ? { "Content-Type": "application/json" } : {}) },
    body: init.json ? JSON.stringify(init.json) : undefined,
  });
}

/** One finished video, text to MP4 in one call (POST /generations), followed until it is completed. */
async function makeVideo(page: Page, prompt: string): Promise<string> {
  const started = await call(page, "/generations", { method: "POST", json: { prompt } });
  expect(started.status).toBe(202);
  const { generationId } = (await started.json()) as { generationId: string };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const generation = (await (await call(page, `/generations/${generationId}`)).json()) as { status: string; exportId?: string };
    if (generation.status === "completed") return generation.exportId!;
    expect(generation.status).not.toBe("failed");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`generation ${generationId} did not finish`);
}

/** Every user the emulator knows gets credits enough for several videos (a free account starts with 100). */
async function grantCredits() {
  const { tokens } = (await emulator("tokens")) as { tokens: { token: string }[] };
  for (const { token } of tokens) await emulator("users/credits", { token, available: 5000 });
}

async function visitorWithVideos(prompts: string[]): Promise<Page> {
  const page = await open("/");
  await page.getByText("100 credits").waitFor();
  await grantCredits();
  for (const prompt of prompts) await makeVideo(page, prompt);
  return page;
}

const cards = (page: Page) => page.locator(".video-card");

describe("my videos", () => {
  it("lists every video newest first, with a poster it made, a title, a length and a date; plays one large", async () => {
    const page = await visitorWithVideos(["a fox running through a snowy forest", "a lighthouse at dusk"]);
    const listed = (await (await call(page, "/videos")).json()) as { videos: { videoId: string; title: string; durationS: number }[] };
    expect(listed.videos).toHaveLength(2);

    // From the header, by the history API: Back returns to the chat.
    await page.getByRole("link", { name: "My videos" }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/videos");
    await page.getByRole("heading", { name: "My videos" }).waitFor();
    await expect.poll(() => cards(page).count()).toBe(2);
    const titles = await cards(page).locator("h3").allTextContents();
    expect(titles).toEqual(listed.videos.map((video) => video.title));
    const first = listed.videos[0];
    await expect(cards(page).first().locator(".meta").textContent()).resolves.toMatch(
      new RegExp(`^Length: ${Math.floor(Math.round(first.durationS) / 60)}:${String(Math.round(first.durationS) % 60).padStart(2, "0")} · .*20\\d\\d`),
    );

    // Posters: drawn by the page from each MP4, kept by the API, shown.
    await page.waitForFunction(() => document.querySelectorAll(".video-card .poster img").length === 2, null, { timeout: 30_000 });
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>(".video-card .poster img")].every((img) => img.complete && img.naturalWidth > 0));
    const withPosters = (await (await call(page, "/videos")).json()) as { videos: { posterUrl?: string }[] };
    expect(withPosters.videos.map((video) => video.posterUrl)).toEqual([expect.stringMatching(/\/poster\.jpg\?/), expect.stringMatching(/\/poster\.jpg\?/)]);
    const poster = await fetch(withPosters.videos[0].posterUrl!);
    expect(poster.headers.get("Content-Type")).toBe("image/jpeg");
    // A whole JPEG: its start and end markers, and more than a blank frame's bytes.
    const jpeg = new Uint8Array(await poster.arrayBuffer());
    expect([jpeg[0], jpeg[1], jpeg.at(-2), jpeg.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    expect(jpeg.byteLength).toBeGreaterThan(2000);
    await expectAccessible(page, "my videos");
    await snap(page, "videos");

    // Play by keyboard: a large player, playing; Escape closes it and the focus is back on Play.
    await tabTo(page, "Play");
    await page.keyboard.press("Enter");
    const player = page.getByRole("dialog", { name: first.title });
    await player.waitFor();
    await page.waitForFunction(() => (document.querySelector("dialog video") as HTMLVideoElement).currentTime > 0.3, null, { timeout: 15_000 });
    expect(await player.locator("video").evaluate((video: HTMLVideoElement) => video.getBoundingClientRect().width)).toBeGreaterThan(800);
    await expectAccessible(page, "player");
    await snap(page, "videos-player");
    await page.keyboard.press("Escape");
    await player.waitFor({ state: "hidden" });
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Play");

    await page.goBack();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/");
    await page.getByLabel("Describe your video").waitFor();
    await page.context().close();
  }, 90_000);

  it("shares a video by an absolute public link, stops sharing it, and deletes one after asking", async () => {
    const page = await visitorWithVideos(["a fox running through a snowy forest", "a lighthouse at dusk"]);
    // Loaded directly: the Worker gives /videos the page, not a 404.
    await page.goto(`${baseUrl}/videos`);
    await expect.poll(() => cards(page).count()).toBe(2);
    const [newest, older] = await cards(page).locator("h3").allTextContents();

    await cards(page).first().getByRole("button", { name: "Share" }).click();
    const link = page.getByLabel("Public link");
    await link.waitFor();
    const shareUrl = await link.inputValue();
    expect(shareUrl).toMatch(new RegExp(`^${baseUrl}/v/[A-Za-z0-9_-]{22}$`));
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement).value)).resolves.toBe(shareUrl);
    expect((await fetch(shareUrl)).status).toBe(200);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl });
    await cards(page).first().getByRole("button", { name: "Copy" }).click();
    await page.getByRole("status").filter({ hasText: "Link copied." }).waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(shareUrl);
    await expectAccessible(page, "shared");
    await page.waitForFunction(() => {
      const posters = [...document.querySelectorAll<HTMLImageElement>(".video-card .poster img")];
      return posters.length === 2 && posters.every((img) => img.complete && img.naturalWidth > 0);
    }, null, { timeout: 30_000 });
    await snap(page, "videos-shared");

    await cards(page).first().getByRole("button", { name: "Stop sharing" }).click();
    await link.waitFor({ state: "detached" });
    expect((await fetch(shareUrl)).status).toBe(404);

    // Delete the older one: asked first; Cancel keeps it, Delete removes it for good.
    const { videos } = (await (await call(page, "/videos")).json()) as { videos: { title: string; downloadUrl: string }[] };
    const doomed = videos.find((video) => video.title === older)!;
    const deleteButton = cards(page).nth(1).getByRole("button", { name: "Delete" });
    await deleteButton.click();
    const confirm = page.getByRole("dialog", { name: `Delete “${older}”?` });
    await confirm.waitFor();
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Cancel");
    await expectAccessible(page, "delete confirm");
    await snap(page, "videos-delete");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "hidden" });
    expect(await cards(page).count()).toBe(2);

    // By keyboard: Escape keeps it too, and the focus is back on Delete; then Tab, Enter deletes it.
    await deleteButton.focus();
    await page.keyboard.press("Enter");
    await confirm.waitFor();
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "hidden" });
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Delete");
    expect(await cards(page).count()).toBe(2);
    await page.keyboard.press("Enter");
    await confirm.waitFor();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => cards(page).count()).toBe(1);
    await page.getByRole("status").filter({ hasText: `Deleted “${older}”.` }).waitFor();
    expect((await fetch(doomed.downloadUrl)).status).toBe(404);
    await page.reload();
    await expect.poll(() => cards(page).count()).toBe(1);
    expect(await cards(page).locator("h3").allTextContents()).toEqual([newest]);

    // In Chinese: the page's words, the date in Chinese.
    await page.goto(`${baseUrl}/videos?lang=zh-CN`);
    const card = cards(page).first();
    await card.getByRole("button", { name: "播放" }).waitFor();
    await expect(card.locator(".meta").textContent()).resolves.toMatch(/^时长：\d+:\d\d · 20\d\d年\d+月\d+日/);
    await expectAccessible(page, "my videos, Chinese");
    await page.context().close();
  }, 90_000);

  it("with no videos yet: says so, and leads back to making one; in Chinese too", async () => {
    const page = await open("/videos");
    await page.getByText("No videos yet.", { exact: false }).waitFor();
    await expectAccessible(page, "no videos");
    await snap(page, "videos-empty");
    await page.locator(".videos-empty").getByRole("link", { name: "Make a video" }).click();
    await page.getByLabel("Describe your video").waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await page.context().close();

    const chinese = await open("/videos?lang=zh-CN");
    await chinese.getByRole("heading", { name: "我的视频" }).waitFor();
    await chinese.getByText("还没有视频", { exact: false }).waitFor();
    await expectAccessible(chinese, "no videos, Chinese");
    await chinese.locator(".videos-empty").getByRole("link", { name: "制作视频" }).click();
    expect(new URL(chinese.url()).search).toBe("?lang=zh-CN");
    await chinese.context().close();
  });
});
