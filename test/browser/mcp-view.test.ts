import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { baseUrl, emulator, nextAddress, resetEmulator, snap, useBrowser } from "./helpers";
import type { Host } from "./mcp-host-page";
import { startHost } from "./mcp-host";

/**
 * The player view (ui://promptreel/video) as a person sees it in an MCP Apps host: Chromium, a host built with
 * ext-apps' AppBridge and the official MCP client (test/browser/mcp-host.ts), the real /mcp of the stack, the view
 * in the sandbox proxy's frame under the CSP its `_meta.ui.csp` declares.
 */
const open = useBrowser();
let host: Awaited<ReturnType<typeof startHost>>;
beforeAll(async () => {
  host = await startHost();
});
afterAll(() => host?.close());
beforeEach(resetEmulator);

const PROMPT = "a paper boat drifting down a rainy street";
type Video = { id: string; status: string; prompt?: string; title?: string; downloadUrl?: string; shareUrl?: string; posterUrl?: string };
declare const window: { host: Host };

async function visitorKey(): Promise<string> {
  const answer = await fetch(`${baseUrl}/api/v1/visitors`, { method: "POST", headers: { "CF-Connecting-IP": nextAddress() } });
  return ((await answer.json()) as { key: string }).key;
}

/** The host page, connected to /mcp with a new visitor's key. */
async function openHost(key: string): Promise<Page> {
  const page = await open(host.hostUrl);
  await page.waitForFunction(() => "host" in window);
  await page.evaluate(([mcp, key, sandbox]) => window.host.connect(mcp, key, sandbox), [`${baseUrl}/mcp`, key, host.sandboxUrl] as const);
  return page;
}

/** The view's own frame: the sandbox proxy's inner iframe, in the host's `index`th view. */
function viewFrame(page: Page, index: number): Frame {
  const proxies = page.frames().filter((frame) => frame.url().startsWith(host.sandboxUrl));
  const inner = proxies[index]?.childFrames()[0];
  if (!inner) throw new Error(`no view ${index}`);
  return inner;
}

/** The host's frame of view `index` is as tall as the view last said it is: no scroll bar, no gap. */
async function fits(page: Page, index: number): Promise<boolean> {
  const frameHeight = await page.locator("#views iframe").nth(index).evaluate((iframe) => iframe.clientHeight);
  const viewHeight = await viewFrame(page, index).evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  return frameHeight === viewHeight;
}
/** For snap(): every view has told the host its height at the new width. */
const settled = (page: Page) => () =>
  expect.poll(async () => (await Promise.all([...Array(await page.locator("#views iframe").count()).keys()].map((index) => fits(page, index)))).every(Boolean)).toBe(true);

const text = (frame: Frame, selector: string) => frame.locator(selector).first().textContent();
const background = (frame: Frame) => frame.evaluate(() => getComputedStyle(document.body).backgroundColor);

describe("the player view in an MCP Apps host (AppBridge, Chromium)", () => {
  it("shows the prompt and the progress while create_video's video is made, then a player that plays, with Download through the host", async () => {
    await emulator("config", { timeScale: 0.05 });
    const page = await openHost(await visitorKey());
    const index = await page.evaluate((prompt) => window.host.show("create_video", { prompt }, "light"), PROMPT);
    const created = (await page.evaluate((index) => window.host.result(index), index)).structuredContent as Video;
    expect(created).toMatchObject({ status: "queued" });
    const view = viewFrame(page, index);

    // create_video's answer has only the id and the status: the title stays the prompt the tool was called with.
    expect(await text(view, ".title")).toBe(PROMPT);
    expect(await text(view, ".status")).toContain("Waiting for its turn…");
    await snap(page, "mcp-view-progress", settled(page));

    // The view follows the video by calling get_video through the host: the step, then the MP4's percentage.
    await view.getByText(/NemoVideo is making the clip…|Rendering the MP4… \d+%/).first().waitFor({ timeout: 30_000 });
    expect(await text(view, ".title")).toBe(PROMPT);

    const player = view.locator("video");
    await player.waitFor({ timeout: 45_000 });
    const src = await player.getAttribute("src");
    expect(src?.startsWith(`${baseUrl}/api/v1/exports/`)).toBe(true);
    await view.evaluate(() => {
      const video = document.querySelector("video")!;
      video.muted = true;
      return video.play();
    });
    await view.waitForFunction(() => document.querySelector("video")!.currentTime > 0.3, null, { timeout: 15_000 });
    expect(await text(view, ".title")).toBe(PROMPT);
    // The view tells the host its height again once the player knows the clip's size: the frame fits it.
    await expect.poll(() => fits(page, index)).toBe(true);
    await snap(page, "mcp-view-player", settled(page));

    await view.getByRole("button", { name: "Download" }).click();
    await expect.poll(() => page.evaluate(() => window.host.links)).toEqual([src]);
  }, 120_000);

  it("plays get_video's answer under the CSP the view declares, Share goes through the host, and the host's theme is followed", async () => {
    const key = await visitorKey();
    const page = await openHost(key);
    const first = await page.evaluate((prompt) => window.host.show("create_video", { prompt }, "light"), PROMPT);
    const { id } = (await page.evaluate((index) => window.host.result(index), first)).structuredContent as Video;
    await viewFrame(page, first).locator("video").waitFor({ timeout: 45_000 });

    // The person shares it from the API; the model then asks get_video, whose answer the host shows in a new view.
    const api = (path: string, method = "GET") => fetch(`${baseUrl}/api/v1${path}`, { method, headers: { Authorization: `Bearer ${key}` } });
    const { exportId } = (await (await api(`/generations/${id}`)).json()) as { exportId: string };
    const { shareUrl } = (await (await api(`/videos/${exportId}/share`, "POST")).json()) as { shareUrl: string };
    const second = await page.evaluate((id) => window.host.show("get_video", { id }, "dark"), id);
    const video = (await page.evaluate((index) => window.host.result(index), second)).structuredContent as Video;
    expect(video.shareUrl).toBe(shareUrl);
    const view = viewFrame(page, second);
    await view.locator("video").waitFor();
    // get_video was called with the id alone: the title is the video's own, as the library names it.
    expect(video.title).toBeTruthy();
    expect(await text(view, ".title")).toBe(video.title);

    // Every address the view loads is one its CSP names (the stack's origin, where the signed links point).
    const { resourceDomains } = (await page.evaluate((index) => window.host.csp(index), second))!;
    for (const address of [video.downloadUrl, video.posterUrl].filter(Boolean)) expect(resourceDomains).toContain(new URL(address!).origin);
    await view.evaluate(() => {
      const player = document.querySelector("video")!;
      player.muted = true;
      return player.play();
    });
    await view.waitForFunction(() => document.querySelector("video")!.currentTime > 0.3, null, { timeout: 15_000 });

    // ... and the CSP is in force: a connection the view does not declare is refused by it.
    const violated = await view.evaluate(async (health) => {
      const seen = new Promise<string>((resolve) => document.addEventListener("securitypolicyviolation", (event) => resolve(event.effectiveDirective), { once: true }));
      await fetch(health).catch(() => undefined);
      return seen;
    }, `${baseUrl}/health`);
    expect(violated).toBe("connect-src");

    await view.getByRole("button", { name: "Share" }).click();
    await expect.poll(() => page.evaluate(() => window.host.links)).toEqual([shareUrl]);

    // The host's theme: the second view opened dark; the first turns dark when the host says so.
    const light = await background(viewFrame(page, first));
    expect(await background(view)).not.toBe(light);
    await snap(page, "mcp-view-dark", settled(page));
    await page.evaluate((index) => window.host.setTheme(index, "dark"), first);
    await expect.poll(() => background(viewFrame(page, first))).toBe(await background(view));
    await page.evaluate((index) => window.host.setTheme(index, "light"), first);
    await expect.poll(() => background(viewFrame(page, first))).toBe(light);
  }, 120_000);
});
