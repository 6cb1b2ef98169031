import { mkdirSync } from "node:fs";
import { build } from "esbuild";
import type { Page } from "playwright-core";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { baseUrl, nextAddress, resetEmulator, useBrowser } from "./helpers";

/**
 * The MCP Apps view as a host shows it: a host page made with ext-apps' AppBridge and the official client on the
 * real /mcp (test/browser/mcp-host.ts), the view in a sandboxed iframe under the CSP its resource declares.
 */
const open = useBrowser();
beforeEach(resetEmulator);

let hostScript = "";
beforeAll(async () => {
  const bundle = await build({ entryPoints: ["test/browser/mcp-host.ts"], bundle: true, format: "iife", platform: "browser", target: "es2022", write: false, logLevel: "warning" });
  hostScript = bundle.outputFiles[0].text;
});

async function visitorKey(): Promise<string> {
  const answer = await fetch(`${baseUrl}/api/v1/visitors`, { method: "POST", headers: { "CF-Connecting-IP": nextAddress() } });
  return ((await answer.json()) as { key: string }).key;
}

const SCREENS = process.env.SCREENS_DIR;
async function shot(page: Page, name: string) {
  if (!SCREENS) return;
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });
}

/** The host page, served at this stack's origin (so that its client reaches /mcp as a host's would). */
async function host(theme: "light" | "dark", width: number) {
  const page = await open(`${baseUrl}/api/v1/health`, { viewport: { width, height: 760 } });
  const problems: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  await page.route(`${baseUrl}/__mcp-host*`, (route) =>
    route.fulfill({ contentType: "text/html", body: `<!doctype html><html><body style="margin:0;padding:16px"><script>${hostScript.replaceAll("</script", "<\\/script")}</script></body></html>` }),
  );
  await page.goto(`${baseUrl}/__mcp-host?theme=${theme}&key=${await visitorKey()}`);
  return { page, problems, view: page.frameLocator("iframe") };
}

describe("the MCP Apps view in a host (AppBridge)", () => {
  it.each(["light", "dark"] as const)("%s: shows the progress while the video is made, then a player that plays, with Download", async (theme) => {
    const { page, problems, view } = await host(theme, 700);
    await view.getByRole("status").filter({ hasText: /Waiting|NemoVideo|Rendering/ }).waitFor({ timeout: 20_000 });
    await expect.poll(() => page.evaluate(() => (window as any).host.error)).toBe("");
    await expect(view.getByRole("progressbar", { name: "Progress" })).toBeTruthy();
    await shot(page, `mcp-view-progress-${theme}-700`);
    const video = view.locator("video");
    await video.waitFor({ timeout: 60_000 });
    expect(await video.getAttribute("src")).toMatch(new RegExp(`^${baseUrl}/`));
    // It plays: muted (no gesture in a test), its currentTime moves on.
    await video.evaluate((element: HTMLVideoElement) => {
      element.muted = true;
      return element.play();
    });
    await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
    const colours = await view.locator("body").evaluate((body) => getComputedStyle(body).backgroundColor);
    expect(colours).toBe(theme === "dark" ? "rgb(28, 28, 30)" : "rgb(255, 255, 255)");
    await video.evaluate((element: HTMLVideoElement) => element.pause());
    await shot(page, `mcp-view-player-${theme}-700`);
    await page.setViewportSize({ width: 390, height: 760 });
    await shot(page, `mcp-view-player-${theme}-390`);
    // Download goes through the host (ui/open-link), to the MP4's signed link.
    await view.getByRole("button", { name: "Download" }).click();
    await expect.poll(() => page.evaluate(() => (window as any).host.openedLinks)).toEqual([expect.stringMatching(/\/api\/v1\/exports\/exp_[0-9a-f]{16}\/download\?.*sig=/)]);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
