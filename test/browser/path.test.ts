import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { emulator, expectAccessible, resetEmulator, snap, tabTo, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

interface LoggedRequest {
  method: string;
  path: string;
}
const upstreamCalls = async (path: string) =>
  ((await emulator("requests")) as { requests: LoggedRequest[] }).requests.filter((request) => request.path === path);

describe("the person's whole path", () => {
  it("goes from a prompt to a downloaded MP4 by keyboard alone, and finds it all again after a reload", async () => {
    const page = await open("/");
    await page.getByText("Try saying…").waitFor();
    await expect(page.getByRole("button", { name: "a fox running through a snowy forest" }).isVisible()).resolves.toBe(true);
    await page.getByText("100 credits").waitFor();
    await expectAccessible(page, "empty");
    await snap(page, "empty");

    await tabTo(page, "Describe your video");
    await page.keyboard.type("a fox running through a snowy forest");
    await page.keyboard.press("Enter");
    await page.locator(".line.user", { hasText: "a fox running through a snowy forest" }).waitFor();
    await page.locator(".line.activity", { hasText: "Generating video" }).waitFor();
    await snap(page, "streaming");

    const reply = page.locator(".line.assistant").first();
    await reply.waitFor();
    await expect(reply.textContent()).resolves.toContain("a fox running through a snowy forest");
    // The reply is in the live region that screen readers follow.
    await expect(page.locator('[role="log"] .line.assistant').count()).resolves.toBe(1);
    // Once the reply has come, nothing says the video is still being generated.
    await page.locator(".line.activity").waitFor({ state: "detached" });
    // The timeline panel shows the new tracks with their times and volume; credits went down.
    await page.locator(".timeline .track").nth(2).waitFor();
    await expect(page.locator(".timeline").textContent()).resolves.toMatch(/BGM.*0–\d+s · 35%/);
    await page.getByText("0 credits", { exact: true }).waitFor();
    await expectAccessible(page, "timeline");
    await snap(page, "timeline");

    // The reply said "choose Export": the page exported on its own. Wait for it, then export again by keyboard.
    await page.getByText("Your video is ready.").waitFor();
    await emulator("config", { timeScale: 0.05 });
    await tabTo(page, "Export MP4");
    await page.keyboard.press("Enter");
    const progress = page.getByRole("progressbar", { name: "Export progress" });
    await progress.waitFor();
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Export MP4");
    await expectAccessible(page, "export progress");
    await snap(page, "export-progress");

    // The second video comes after the first, in the conversation.
    const download = page.getByRole("link", { name: "Download MP4" }).nth(1);
    await download.waitFor({ timeout: 30_000 });
    await expect(page.locator(".line.video video.player").nth(1).getAttribute("src")).resolves.toMatch(/^http:\/\/localhost:\d+\/api\/v1\/exports\/.+\/download\?/);
    // Under the emulator there is no project in the real NemoVideo to open: no link into it.
    await expect(page.getByRole("link", { name: "Open in NemoVideo" }).count()).resolves.toBe(0);
    await expectAccessible(page, "finished export");
    await snap(page, "export-done");

    const saved = page.waitForEvent("download");
    await tabTo(page, "Download MP4");
    await page.keyboard.press("Enter");
    const file = readFileSync((await (await saved).path())!);
    expect(file.length).toBeGreaterThan(10 * 1024);
    expect(file.subarray(4, 8).toString("latin1")).toBe("ftyp");

    // A returning visitor: the conversation, the timeline and the finished export come back.
    await page.reload();
    await page.locator(".line.user", { hasText: "a fox running through a snowy forest" }).waitFor();
    await page.locator(".line.assistant").first().waitFor();
    await page.locator(".timeline .track").nth(2).waitFor();
    // Both videos come back where the conversation made them: after the reply that asked for the first.
    const videos = page.locator('[role="log"] li.video');
    await videos.nth(1).getByRole("link", { name: "Download MP4" }).waitFor();
    await expect(videos.count()).resolves.toBe(2);
    await expect(page.locator('[role="log"] li').nth(1).getAttribute("class")).resolves.toContain("assistant");
    for (const link of await page.getByRole("link", { name: "Download MP4" }).all())
      await expect(link.getAttribute("href")).resolves.toMatch(/^http:\/\/localhost:\d+\/api\/v1\/exports\/exp_.+sig=/);
    await expectAccessible(page, "returning visitor");
    await snap(page, "returning");
    await expect(upstreamCalls("/run_sse")).resolves.toHaveLength(1);
    await page.context().close();
  });

  it("a long, quiet turn says it is still working, in the log screen readers follow", async () => {
    // A generation of 5 to 15 s whose heartbeats the page never shows: after 1.5 s of silence, "Still working…".
    await emulator("config", { timeScale: 0.05 });
    const page = await open("/");
    await page.getByText("100 credits").waitFor();
    await page.getByLabel("Describe your video").fill("a fox running through a snowy forest");
    await page.getByRole("button", { name: "Send" }).click();
    await page.locator('[role="log"] .line', { hasText: "Still working…" }).waitFor({ timeout: 15_000 });
    await expect(page.locator('[role="log"] .line', { hasText: "Still working…" }).count()).resolves.toBe(1);
    await page.locator(".line.assistant").first().waitFor({ timeout: 20_000 });
    await page.context().close();
  }, 40_000);

  it("picks a turn up again after a reload in the middle of it, without sending the message twice", async () => {
    // A generation of 3 to 9 seconds, so that the reload lands in the middle of it.
    await emulator("config", { timeScale: 0.03 });
    const page = await open("/");
    await page.getByLabel("Describe your video").fill("generate a video of a lighthouse at dusk");
    await page.getByRole("button", { name: "Send" }).click();
    await page.locator(".line.activity", { hasText: "Generating video" }).waitFor();
    // A message typed meanwhile stays in the box: it is not lost to the running reply.
    await page.getByLabel("Describe your video").fill("make it longer");
    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Describe your video").inputValue()).resolves.toBe("make it longer");
    await page.reload();

    await page.locator(".line.user", { hasText: "lighthouse" }).waitFor();
    const reply = page.locator(".line.assistant").first();
    await reply.waitFor({ timeout: 30_000 });
    await expect(reply.textContent()).resolves.toContain("lighthouse");
    await expect(page.locator(".line.user").count()).resolves.toBe(1);
    await expect(page.locator(".line.error").allTextContents()).resolves.toEqual([]);
    await expect(upstreamCalls("/run_sse")).resolves.toHaveLength(1);
    await page.context().close();
  });

  it("picks up a later turn after a reload from that turn's first event, not from where the turn before ended", async () => {
    const page = await open("/");
    await page.getByLabel("Describe your video").fill("hello");
    await page.keyboard.press("Enter");
    await page.locator(".line.assistant").first().waitFor();

    await emulator("config", { timeScale: 0.03 });
    await page.getByLabel("Describe your video").fill("generate a video of a lighthouse at dusk");
    // Sendable again: the first turn has ended.
    await page.locator("form.composer button[type=submit]:enabled").waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".line.activity", { hasText: "Generating video" }).waitFor();
    await page.reload();

    // The running turn's events come again from its start: its activity line, then its whole reply.
    await page.locator(".line.activity", { hasText: "Generating video" }).waitFor({ timeout: 10_000 });
    const reply = page.locator(".line.assistant").nth(1);
    await reply.waitFor({ timeout: 30_000 });
    await expect(reply.textContent()).resolves.toMatch(/^Assistant: Your .*lighthouse/i);
    await expect(page.locator(".line.user").count()).resolves.toBe(2);
    await page.context().close();
  });
});
