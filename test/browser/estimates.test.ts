import { beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { emulator, expectAccessible, resetEmulator, snap, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

/**
 * A generation made through the API by another visitor (its own key, its own credits), to its end: the deployment
 * has measured a render, and this visitor's estimate comes from what somebody else's took.
 */
async function oneFinished(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const { key } = await (await fetch("/api/v1/visitors", { method: "POST" })).json();
    const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
    const made = await (await fetch("/api/v1/generations", { method: "POST", headers, body: JSON.stringify({ prompt: "a lighthouse at dusk" }) })).json();
    for (let i = 0; i < 600; i++) {
      const { status } = await (await fetch(`/api/v1/generations/${made.generationId}`, { headers })).json();
      if (["completed", "failed", "cancelled"].includes(status)) return status as string;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return "still running";
  });
}

/** The running export's estimate as the API answers it. */
const apiEstimate = (page: Page) =>
  page.evaluate(async () => {
    const headers = { Authorization: `Bearer ${localStorage.getItem("promptreel:visitorKey")}` };
    const { exports } = await (await fetch("/api/v1/exports", { headers })).json();
    return exports.find((each: { status: string }) => each.status === "processing" || each.status === "pending")?.estimatedCompletionAt as string | undefined;
  });

describe("the time left of a running export", () => {
  for (const [language, path, box, made, left] of [
    ["English", "/", "Describe your video", "100 credits", /^(less than a minute left|about \d+ min left)$/],
    ["Chinese", "/?lang=zh-CN", "描述你的视频", "100 积分", /^(还需不到一分钟|大约还需 \d+ 分钟)$/],
  ] as const)
    it(`is the API's estimate, in words (${language}), once this deployment has finished a render`, async () => {
      await emulator("config", { timeScale: 0.03 });
      const page = await open(path);
      await page.getByText(made).waitFor();
      expect(await oneFinished(page)).toBe("completed");
      // A render of 9 s, for the page to show while it runs.
      await emulator("faults", { fault: "shape-render", match: { path: "/api/render/proxy/lambda" }, params: { seconds: 300 } });
      await page.getByLabel(box).fill("a fox running through a snowy forest");
      await page.getByLabel(box).press("Enter");
      await page.locator(".reel progress[value]").waitFor({ timeout: 30_000 });
      const words = page.locator(".reel .muted").first();
      await expect.poll(() => words.textContent(), { timeout: 10_000 }).toMatch(left);
      expect(Date.parse((await apiEstimate(page)) ?? "")).toBeGreaterThan(Date.now());
      await expectAccessible(page, `export with its time left (${language})`);
      await snap(page, `estimate-exporting-${language === "English" ? "en" : "zh"}`);
    }, 90_000);
});
