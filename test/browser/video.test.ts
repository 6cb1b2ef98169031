import { beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { emulator, expectAccessible, resetEmulator, snap, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

const FOX = "a fox running through a snowy forest";
const box = (page: Page) => page.getByLabel("Describe your video");

/** The export's progress bar's values, read every 100 ms until it is gone. */
async function progressValues(page: Page): Promise<number[]> {
  const bar = page.getByRole("progressbar", { name: "Export progress" });
  await bar.waitFor({ timeout: 20_000 });
  const values: number[] = [];
  while ((await bar.count()) > 0) {
    const value = await bar.evaluate((element) => (element as HTMLProgressElement).value).catch(() => undefined);
    if (value !== undefined) values.push(value);
    await page.waitForTimeout(100);
  }
  return values;
}

describe("the video in the conversation", () => {
  it("is made where the conversation asked for it: time so far, then the export's progress moving, then a player that plays, Download and Share", async () => {
    // A generation of 3 to 9 s, then a render of 3.6 s whose progress the page follows.
    await emulator("config", { timeScale: 0.03 });
    await emulator("faults", { fault: "shape-render", match: { path: "/api/render/proxy/lambda" }, params: { seconds: 120 } });
    const page = await open("/");
    await page.getByText("100 credits").waitFor();
    await page.getByText("Sample clips.").waitFor();
    await box(page).fill(FOX);
    await box(page).press("Enter");

    const making = page.getByRole("progressbar", { name: "Making your video" });
    await making.waitFor();
    await expect(page.locator(".reel.making").textContent()).resolves.toMatch(/^Making your video0:0\d so far$/);
    await expectAccessible(page, "making a video");
    await snap(page, "video-making");

    await page.getByRole("progressbar", { name: "Export progress" }).waitFor({ timeout: 20_000 });
    await snap(page, "video-exporting");
    const values = await progressValues(page);
    expect(values.length).toBeGreaterThan(3);
    expect(Math.max(...values)).toBeGreaterThan(values[0]);
    // Once the reply and the export are over, nothing says "busy" any more.
    const player = page.locator(".line.video video.player");
    await player.waitFor();
    await expect(page.locator(".line.activity").count()).resolves.toBe(0);
    await expect(page.locator(".status").textContent()).resolves.toBe("");
    await expect(making.count()).resolves.toBe(0);

    // The player is in the conversation, large, and plays.
    const width = await player.evaluate((element) => element.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(600);
    const played = await player.evaluate(async (element) => {
      const video = element as HTMLVideoElement;
      video.muted = true;
      await video.play();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      video.pause();
      return video.currentTime;
    });
    expect(played).toBeGreaterThan(0.3);
    // The page gave the video its poster, a still from the player, for the library and the share page.
    const posterUrl = () =>
      page.evaluate(async () => {
        const headers = { Authorization: `Bearer ${localStorage.getItem("promptreel:visitorKey")}` };
        const { videos } = await (await fetch("/api/v1/videos", { headers })).json();
        return (videos[0]?.posterUrl ?? "") as string;
      });
    await expect.poll(posterUrl).toMatch(/\/poster\.jpg\?/);
    const download = page.getByRole("link", { name: "Download MP4" });
    await expect(download.getAttribute("href")).resolves.toMatch(/^http:\/\/localhost:\d+\/api\/v1\/exports\/exp_\w+\/download\?/);
    await expectAccessible(page, "finished video");
    await snap(page, "video-done");

    // Share: an absolute address to copy, then taken down again.
    await page.getByRole("button", { name: "Share", exact: true }).click();
    const link = page.getByLabel("Public link");
    await link.waitFor();
    const shareUrl = await link.inputValue();
    expect(shareUrl).toMatch(/^http:\/\/localhost:\d+\/v\/[\w-]{22}$/);
    expect((await fetch(shareUrl)).status).toBe(200);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy" }).click();
    await page.getByText("Link copied.").waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(shareUrl);
    await expectAccessible(page, "shared video");
    await snap(page, "video-shared");
    await page.getByRole("button", { name: "Stop sharing" }).click();
    await page.getByRole("button", { name: "Share", exact: true }).waitFor();
    expect((await fetch(shareUrl)).status).toBe(404);

    // "Your media" lists what the person sent, never NemoVideo's own files.
    await expect(page.locator(".uploads").textContent()).resolves.not.toContain("gen_");
    await page.context().close();
  }, 60_000);

  it("a failed message keeps its prompt: back in the box, and Retry sends it again", async () => {
    await emulator("faults", { fault: "server-error", match: { path: "/run_sse" }, params: { status: 503 } });
    const page = await open("/");
    await page.getByText("100 credits").waitFor();
    await page.getByLabel("Shape").selectOption("9:16");
    await box(page).fill(FOX);
    await box(page).press("Enter");
    const sent = `${FOX}, 9:16 vertical`;
    await page.locator(".line.user", { hasText: sent }).waitFor();
    await page.locator(".line.error").waitFor();
    await expect(box(page).inputValue()).resolves.toBe(FOX);
    await expectAccessible(page, "failed message");
    await snap(page, "video-retry");

    await page.getByRole("button", { name: "Retry" }).click();
    await expect(box(page).inputValue()).resolves.toBe("");
    await page.locator(".line.assistant").first().waitFor({ timeout: 20_000 });
    await expect(page.locator(".line.user").nth(1).textContent()).resolves.toContain(sent);
    await expect(page.getByRole("button", { name: "Retry" }).count()).resolves.toBe(0);
    const { requests } = (await emulator("requests")) as { requests: { path: string; body?: string }[] };
    const messages = requests.filter((request) => request.path === "/run_sse");
    expect(messages.at(-1)?.body).toContain(sent);
    await page.context().close();
  });

  it("Cancel export stops an export, and Stop ends the wait for a reply", async () => {
    // A render of 5 s, long enough to be stopped.
    await emulator("faults", { fault: "shape-render", match: { path: "/api/render/proxy/lambda" }, params: { seconds: 1000 } });
    const page = await open("/");
    await box(page).fill(FOX);
    await box(page).press("Enter");
    await page.getByRole("button", { name: "Cancel export" }).click();
    await page.getByText("The export was cancelled.").waitFor();
    await page.getByRole("button", { name: "Export again" }).waitFor();
    await expect(page.getByRole("progressbar", { name: "Export progress" }).count()).resolves.toBe(0);

    // A generation of 5 to 15 s: the person stops waiting for it.
    const { tokens } = (await emulator("tokens")) as { tokens: { userId: string }[] };
    for (const { userId } of tokens) await emulator("users/credits", { userId, available: 1000 });
    await emulator("config", { timeScale: 0.05 });
    await box(page).fill("generate a video of a lighthouse at dusk");
    await box(page).press("Enter");
    await page.getByRole("progressbar", { name: "Making your video" }).waitFor();
    await page.getByRole("button", { name: "Stop" }).click();
    await page.locator(".line.notice", { hasText: "Stopped. What NemoVideo already did stays" }).waitFor();
    await expect(page.locator(".line.notice", { hasText: "Stopped." }).count()).resolves.toBe(1);
    await expect(page.locator(".status").textContent()).resolves.toBe("");
    await expect(page.getByRole("progressbar", { name: "Making your video" }).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "Stop" }).count()).resolves.toBe(0);
    await page.context().close();
  }, 60_000);
});

describe("the page at phone width", () => {
  it("scrolls as one page with the prompt box pinned in view, and offers export only once there is a video", async () => {
    const page = await open("/", { viewport: { width: 390, height: 844 } });
    await page.getByText("Try saying…").waitFor();
    const chips = page.getByRole("list", { name: "Try saying…" }).getByRole("button");
    await expect(chips.allTextContents()).resolves.not.toContain("export 720p MP4");
    await box(page).fill(FOX);
    await box(page).press("Enter");
    await page.locator(".line.video video.player").waitFor({ timeout: 30_000 });

    const inView = () =>
      box(page).evaluate((element) => {
        const { top, bottom } = element.getBoundingClientRect();
        return top >= 0 && bottom <= innerHeight;
      });
    for (const y of [0, 400, 100_000]) {
      await page.evaluate((to) => scrollTo(0, to), y);
      await expect(inView(), `the box after scrolling to ${y}`).resolves.toBe(true);
      // What the phone's screen shows at that point (the helper's full-page shot can't show a pinned box).
      if (process.env.SCREENS_DIR) await page.screenshot({ path: `${process.env.SCREENS_DIR}/video-phone-scrolled-${y}.png` });
    }
    // Only the page scrolls: nothing inside it is a scroll box of its own.
    const scrollers = await page.evaluate(() =>
      [...document.querySelectorAll("body *")]
        .filter((element) => /auto|scroll/.test(getComputedStyle(element).overflowY) && element.scrollHeight > element.clientHeight + 1)
        .map((element) => element.tagName),
    );
    expect(scrollers).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.evaluate(() => scrollTo(0, 0));
    await snap(page, "video-phone");
    await page.context().close();
  });
});

describe("the suggestions", () => {
  it("offer no export before there is a draft, in Chinese as in English", async () => {
    const page = await open("/?lang=zh-CN");
    await page.getByText("试着说…").waitFor();
    const chips = page.getByRole("list", { name: "试着说…" }).getByRole("button");
    await expect(chips.count()).resolves.toBe(2);
    await expect(chips.allTextContents()).resolves.not.toContain("导出 720p MP4");
    // The rest of the page speaks Chinese too: the choices, the banner, the video's card.
    await page.getByLabel("画面比例").selectOption("1:1");
    await page.getByLabel("描述你的视频").fill("一只狐狸在雪林中奔跑");
    await page.getByLabel("描述你的视频").press("Enter");
    await page.locator(".line.user", { hasText: "一只狐狸在雪林中奔跑，1:1 方形" }).waitFor();
    await page.getByText("示例片段。").waitFor();
    await page.getByRole("button", { name: "再来两个类似的" }).waitFor({ timeout: 30_000 });
    await page.getByRole("link", { name: "下载 MP4" }).waitFor();
    await expectAccessible(page, "Chinese video");
    await snap(page, "video-zh");
    await page.context().close();
  });
});
