import { beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { emulator, expectAccessible, resetEmulator, snap, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

const FOX = "a fox running through a snowy forest";
const box = (page: Page) => page.getByLabel("Describe your video");
const send = async (page: Page, text: string) => {
  await box(page).fill(text);
  await box(page).press("Enter");
};
const finished = (page: Page, n: number) => page.locator(".line.video video.player").nth(n - 1).waitFor({ timeout: 45_000 });
const titles = (page: Page) =>
  page.evaluate(async () => {
    const headers = { Authorization: `Bearer ${localStorage.getItem("promptreel:visitorKey")}` };
    return ((await (await fetch("/api/v1/videos", { headers })).json()).videos as { title: string }[]).map((video) => video.title);
  });

for (const width of [1280, 390]) {
  describe(`a second video, at ${width} px`, () => {
    it("New video then a different prompt gives a second video with its own title; the first stays a tap away", async () => {
      const page = await open("/", { viewport: { width, height: 844 } });
      await send(page, FOX);
      await finished(page, 1);
      // Credits for the second video, on every account the emulator knows (an earlier test's are among them).
      for (const { userId } of ((await emulator("tokens")) as { tokens: { userId: string }[] }).tokens) await emulator("users/credits", { userId, available: 1000 });

      await page.getByRole("button", { name: "New video" }).click();
      await page.getByText("Try saying…").waitFor();
      await expect(page.locator(".line").count()).resolves.toBe(0);
      await send(page, "a lighthouse at dusk");
      await finished(page, 1);
      await expect.poll(() => titles(page), { timeout: 20_000 }).toHaveLength(2);
      const [second, first] = await titles(page);
      expect(first).toMatch(/fox/i);
      expect(second).toMatch(/lighthouse/i);
      await expectAccessible(page, "second video");
      await snap(page, `new-video-${width}`);

      // Reloading keeps the conversation the person was in; the first is one tap away.
      await page.reload();
      await page.locator(".line.user", { hasText: "a lighthouse at dusk" }).waitFor();
      await page.getByText("Earlier videos").click();
      await page.getByRole("button", { name: FOX }).click();
      await page.locator(".line.user", { hasText: FOX }).waitFor();
      await expect(page.locator(".line.user", { hasText: "lighthouse" }).count()).resolves.toBe(0);
      await finished(page, 1);
      await page.context().close();
    }, 90_000);

    it("a different subject where a video is done is offered as a new video, not sent as an edit", async () => {
      const page = await open("/?lang=zh-CN", { viewport: { width, height: 844 } });
      await page.getByLabel("描述你的视频").fill("一只狐狸在雪林中奔跑");
      await page.getByLabel("描述你的视频").press("Enter");
      await finished(page, 1);
      const sent = async () => ((await emulator("requests")) as { requests: { path: string }[] }).requests.filter((r) => r.path === "/run_sse").length;
      const before = await sent();
      await page.getByLabel("描述你的视频").fill("热气球飞过群山");
      await page.getByLabel("描述你的视频").press("Enter");
      await page.getByText("是另一个视频吗？").waitFor();
      expect(await sent()).toBe(before);
      await page.getByRole("button", { name: "新视频", exact: true }).nth(1).waitFor();
      await snap(page, `new-video-offer-zh-${width}`);
      // "Change this one" sends it to this conversation after all.
      await page.getByRole("button", { name: "修改这个视频" }).click();
      await page.locator(".line.user", { hasText: "热气球飞过群山" }).waitFor();
      await expect.poll(sent).toBe(before + 1);
      await page.context().close();
    }, 60_000);
  });
}
