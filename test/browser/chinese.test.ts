import { beforeEach, describe, expect, it } from "vitest";
import { emulator, expectAccessible, resetEmulator, snap, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

describe("the Chinese page", () => {
  it("speaks Chinese with ?lang=zh-CN, and the assistant answers in Chinese", async () => {
    const page = await open("/?lang=zh-CN");
    await page.getByText("试着说…").waitFor();
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("zh-CN");
    await page.getByLabel("描述你的视频").fill("生成一段狐狸在雪林中奔跑的视频");
    await page.getByRole("button", { name: "发送" }).click();
    const reply = page.locator(".line.assistant").first();
    await reply.waitFor();
    await expect(reply.textContent()).resolves.toMatch(/[\u4e00-\u9fff]/);
    await page.locator(".timeline .track").first().waitFor();
    await expect(page.locator(".timeline").textContent()).resolves.toContain("时间线（3 条轨道");
    await page.getByRole("link", { name: "下载 MP4" }).waitFor({ timeout: 30_000 });
    await expectAccessible(page, "Chinese");
    await snap(page, "chinese");
    await page.context().close();
  });

  it("says NemoVideo's trouble in Chinese, not in the API's English", async () => {
    await emulator("faults", { fault: "server-error", times: 5, match: { path: "/run_sse" }, params: { status: 503 } });
    const page = await open("/?lang=zh-CN");
    await page.getByLabel("描述你的视频").fill("生成一段狐狸在雪林中奔跑的视频");
    await page.getByRole("button", { name: "发送" }).click();
    const error = page.locator(".line.error");
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/^NemoVideo [\u4e00-\u9fff]/);
    await page.context().close();
  });

  it("follows the browser's language", async () => {
    const page = await open("/", { locale: "zh-CN" });
    await page.getByRole("button", { name: "发送" }).waitFor();
    await page.context().close();
  });
});
