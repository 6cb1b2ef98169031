import { beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { emulator, resetEmulator, snap, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

const FOX = "a fox running through a snowy forest";
const box = (page: Page) => page.getByLabel("Describe your video");
const apiCalls = (page: Page) => {
  const calls: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/v1/")) calls.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  return calls;
};

for (const width of [1280, 390]) {
  describe(`the conversation and the rest of the page agree, at ${width} px`, () => {
    it("a video deleted in My videos leaves the conversation on the next render and after a reload", async () => {
      const page = await open("/", { viewport: { width, height: 844 } });
      await box(page).fill(FOX);
      await box(page).press("Enter");
      await page.locator(".line.video video.player").waitFor({ timeout: 30_000 });
      await page.getByRole("link", { name: "My videos" }).click();
      await page.getByRole("button", { name: "Delete" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
      await page.getByText(/^Deleted “/).waitFor();
      await page.getByRole("link", { name: "Make a video" }).first().click();
      await page.locator(".line.user", { hasText: FOX }).waitFor();
      await expect(page.locator(".line.video").count()).resolves.toBe(0);
      await expect(page.getByRole("link", { name: "Download MP4" }).count()).resolves.toBe(0);
      await page.reload();
      await page.locator(".line.assistant").first().waitFor();
      await page.waitForTimeout(500);
      await expect(page.locator(".line.video").count()).resolves.toBe(0);
      await page.context().close();
    }, 60_000);

    it("a 5,000-character prompt is refused in the box, before any request", async () => {
      const page = await open("/", { viewport: { width, height: 844 } });
      await page.getByText("100 credits").waitFor();
      const calls = apiCalls(page);
      await box(page).fill("a".repeat(3500));
      await page.getByText("500 characters left").waitFor();
      await box(page).fill("a".repeat(5000));
      await page.getByText("Too long to send: 5000 of 4000 characters.").waitFor();
      await expect(page.getByRole("button", { name: "Send" }).isDisabled()).resolves.toBe(true);
      await box(page).press("Enter");
      await page.waitForTimeout(300);
      expect(calls.filter((call) => call.startsWith("POST"))).toEqual([]);
      await expect(page.locator(".line.user").count()).resolves.toBe(0);
      await snap(page, `prompt-limit-${width}`);
      await page.context().close();
    });

    it("a Chinese page shows a Chinese sentence for an API refusal", async () => {
      await emulator("faults", { fault: "no-credits", match: { path: "/run_sse" } });
      const page = await open("/?lang=zh-CN", { viewport: { width, height: 844 } });
      await page.getByLabel("描述你的视频").fill("一只狐狸在雪林中奔跑");
      await page.getByLabel("描述你的视频").press("Enter");
      const error = page.locator(".line.error").first();
      await error.waitFor({ timeout: 20_000 });
      await expect(error.textContent()).resolves.toMatch(/[\u4e00-\u9fff]{4}/);
      await expect(error.textContent()).resolves.toContain("免费积分已用完");
      await expect(error.textContent()).resolves.not.toMatch(/You've|credits|Register/);
      await page.context().close();
    });

    it("Stop then reload shows the stopped message; the elapsed timer goes on after a reload", async () => {
      await emulator("config", { timeScale: 0.05 });
      const page = await open("/", { viewport: { width, height: 844 } });
      await box(page).fill(FOX);
      await box(page).press("Enter");
      const making = page.locator(".reel.making");
      await making.waitFor();
      await page.waitForTimeout(3200);
      await page.reload();
      await making.waitFor();
      // The time so far counts from when the message was sent, not from the reload.
      await expect(making.textContent()).resolves.toMatch(/0:0[3-9] so far/);
      await page.getByRole("button", { name: "Stop" }).click();
      await page.locator(".line.notice", { hasText: "Stopped. What NemoVideo already did stays" }).waitFor();
      await page.reload();
      await page.locator(".line.notice", { hasText: "Stopped. What NemoVideo already did stays" }).waitFor();
      await expect(page.getByRole("button", { name: "Stop" }).count()).resolves.toBe(0);
      await snap(page, `stopped-${width}`);
      await page.context().close();
    }, 60_000);

    it("a video finished while the tab is hidden says so in the tab's title, back when seen", async () => {
      await emulator("config", { timeScale: 0.02 });
      const page = await open("/", { viewport: { width, height: 844 } });
      await box(page).fill(FOX);
      // The page's own title, in its language, once the page is there.
      const title = await page.title();
      expect(title).toMatch(/^PromptReel: /);
      await box(page).press("Enter");
      await page.locator(".reel.making").waitFor();
      await page.evaluate(() => {
        Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
        document.dispatchEvent(new Event("visibilitychange"));
      });
      await expect.poll(() => page.title(), { timeout: 40_000 }).toBe("✓ Your video is ready");
      await page.evaluate(() => {
        Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
        dispatchEvent(new Event("visibilitychange"));
      });
      await expect.poll(() => page.title()).toBe(title);
      await page.context().close();
    }, 60_000);
  });
}
