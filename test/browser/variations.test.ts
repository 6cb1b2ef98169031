import { beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { comeBack, emulator, expectAccessible, resetEmulator, snap, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

const box = (page: Page) => page.getByLabel("Describe your video");
/** Credits got on NemoVideo's own site, in another tab: every free account of this test now has 1000. */
const topUp = async () => {
  const { tokens } = (await emulator("tokens")) as { tokens: { userId: string }[] };
  for (const { userId } of tokens) await emulator("users/credits", { userId, available: 1000 });
};
const library = (page: Page) =>
  page.evaluate(async () => {
    const headers = { Authorization: `Bearer ${localStorage.getItem("promptreel:visitorKey")}` };
    return (await (await fetch("/api/v1/videos", { headers })).json()).videos as { width: number; height: number; durationS?: number }[];
  });

for (const width of [1280, 390]) {
  describe(`More like this, at ${width} px`, () => {
    it("adds two videos of the same shape, made in the conversation and found again after a reload; it said the cost first", async () => {
      const page = await open("/", { viewport: { width, height: 844 } });
      await page.getByLabel("Shape").selectOption("1:1");
      await page.getByLabel("Length").selectOption("5");
      await box(page).fill("a fox running through a snowy forest");
      await box(page).press("Enter");
      // The choices go back to "any" once sent.
      await expect(page.getByLabel("Shape").inputValue()).resolves.toBe("");
      await page.locator(".line.video video.player").waitFor({ timeout: 30_000 });
      await topUp();
      await comeBack(page);
      // The cost, measured: what this visitor's first video took (100 credits on the emulator, as on NemoVideo).
      await page.getByText("2 new videos: about 200 credits, as your last one took 100.").waitFor();
      const requests = (await emulator("requests")) as { requests: { path: string }[] };
      const before = requests.requests.length;
      await page.getByRole("button", { name: "Two more like this" }).click();
      await expect(page.locator(".line.user").count()).resolves.toBe(1);
      await page.locator(".line.video video.player").nth(2).waitFor({ timeout: 40_000 });
      await expect.poll(async () => (await library(page)).length, { timeout: 20_000 }).toBe(3);
      const videos = await library(page);
      expect(videos.map(({ width, height }) => `${width}x${height}`)).toEqual(["720x720", "720x720", "720x720"]);
      expect(videos.map(({ durationS }) => durationS)).toEqual([5, 5, 5]);
      expect(((await emulator("requests")) as { requests: unknown[] }).requests.length).toBeGreaterThan(before);
      await expectAccessible(page, "variations");
      await snap(page, `variations-${width}`);

      await page.reload();
      await page.locator(".line.video video.player").nth(2).waitFor({ timeout: 20_000 });
      await page.getByRole("link", { name: "My videos" }).click();
      await expect(page.locator(".video-card").count()).resolves.toBe(3);
      await page.context().close();
    }, 120_000);

    it("with too few credits for two more, says so and where to get more, and asks for nothing; credits got elsewhere count on coming back", async () => {
      const page = await open("/", { viewport: { width, height: 844 } });
      await box(page).fill("a fox running through a snowy forest");
      await box(page).press("Enter");
      await page.locator(".line.video video.player").waitFor({ timeout: 30_000 });
      // NemoVideo's 100 free credits went on the first video: two more can't be paid for, and the card says so.
      await page.getByText("0 credits", { exact: true }).waitFor();
      const more = page.getByRole("button", { name: "Two more like this" });
      await page.getByText("Not enough credits for 2 new videos: you have 0.").waitFor();
      await expect(more.isDisabled()).resolves.toBe(true);
      await expect(page.getByText(/about 200 credits/).count()).resolves.toBe(0);
      const register = page.locator(".reel").getByRole("link", { name: "Register with NemoVideo" });
      await expect(register.getAttribute("href")).resolves.toMatch(/^https:\/\/nemovideo\.com\/register/);
      await expectAccessible(page, "too few credits for more");
      await snap(page, `variations-short-${width}`);

      await topUp();
      await comeBack(page);
      await page.getByText("1000 credits", { exact: true }).waitFor();
      await page.getByText("2 new videos: about 200 credits, as your last one took 100.").waitFor();
      await expect(more.isEnabled()).resolves.toBe(true);
      const asked = ((await emulator("requests")) as { requests: { path: string }[] }).requests.filter((request) => request.path === "/run_sse");
      expect(asked, "one chat turn, and no generation asked for").toHaveLength(1);
      await page.context().close();
    }, 90_000);
  });
}
