import { type Server, createServer } from "node:http";
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, resetEmulator, useBrowser } from "./helpers";
import { freePorts } from "./stack";

/**
 * The page, My videos, a share page and the widget, measured as a person sees them on a phone (390 px), a tablet
 * (768) and a desktop (1280), in English and Chinese: nothing scrolls sideways, every block takes the width it is
 * given, a video's actions share a row when there is room, a clip plays in a box of its own shape, and the
 * widget's frame follows its content without growing by itself.
 */
const open = useBrowser();
const WIDTHS = [390, 768, 1280] as const;
const HEIGHTS: Record<number, number> = { 390: 844, 768: 1024, 1280: 800 };
const LANGUAGES = [
  // English makes a vertical clip, Chinese a square one: the two shapes a wide box would frame in black.
  { name: "English", query: "", locale: "en-US", shape: "9:16", prompt: "a fox running through a snowy forest" },
  { name: "Chinese", query: "?lang=zh-CN", locale: "zh-CN", shape: "1:1", prompt: "一只狐狸在雪林中奔跑" },
] as const;

/** With SCREENS_DIR set (see README), the whole page as it is now, at the width it has now. */
async function shot(page: Page, name: string) {
  if (process.env.SCREENS_DIR) await page.screenshot({ path: `${process.env.SCREENS_DIR}/${name}.png`, fullPage: true });
}

/** How far the document scrolls sideways (0 when it does not). */
const sideways = (where: Page | Frame) =>
  where.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * The boxes of a card's actions (its buttons, Share among them) and of the card's content: the actions sit on
 * as few rows as a row-by-row fill gives, so none starts a row that had room for it (Share alone under the others).
 */
async function expectActionsShareRows(page: Page | Frame, card: string, label: string) {
  const { items, inner, gap } = await page.locator(card).first().evaluate((element) => {
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    const actions = [...element.querySelectorAll(":scope > .actions > *, :scope > .share > button")];
    return {
      items: actions.map((action) => {
        const { left, right, top } = action.getBoundingClientRect();
        return { left, right, top, text: action.textContent ?? "" };
      }),
      inner: box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth),
      gap: parseFloat(style.columnGap) || 0,
    };
  });
  expect(items.length, label).toBeGreaterThanOrEqual(3);
  expect(items.at(-1)?.text, label).toMatch(/Share|分享/);
  for (let i = 1; i < items.length; i++) {
    if (items[i].top <= items[i - 1].top + 1) continue;
    const width = items[i].right - items[i].left;
    expect(items[i - 1].right + gap + width, `${label}: "${items[i].text}" starts a row though the one above had room`).toBeGreaterThan(inner + 0.5);
  }
  return 1 + items.filter((item, i) => i > 0 && item.top > items[i - 1].top + 1).length;
}

/** A `<video>`'s box against its clip: the same shape, within 2 %. */
async function expectClipShaped(where: Page | Frame, selector: string, label: string) {
  const player = where.locator(selector).first();
  await player.evaluate((video: HTMLVideoElement) =>
    video.readyState >= 1 ? undefined : new Promise((resolve) => video.addEventListener("loadedmetadata", resolve, { once: true })),
  );
  const { width, height, clip } = await player.evaluate((video: HTMLVideoElement) => ({
    ...video.getBoundingClientRect().toJSON(),
    clip: video.videoWidth / video.videoHeight,
  }));
  expect(Math.abs(width / height / clip - 1), `${label}: box ${width}x${height} for a clip of ratio ${clip}`).toBeLessThan(0.02);
  return { width, height, clip };
}

describe.each(LANGUAGES)("in $name", ({ query, locale, shape, prompt }) => {
  let page: Page;
  let shareUrl = "";

  beforeAll(async () => {
    await resetEmulator();
    page = await open(`/${query}`, { locale });
    // The clip's shape chosen beside the box, then the prompt sent: a video of that shape in the conversation.
    await page.locator(".choices select").first().selectOption(shape);
    await page.locator("#prompt").fill(prompt);
    await page.locator("#prompt").press("Enter");
    await page.locator(".reel video.player").waitFor({ timeout: 45_000 });
    await page.locator(".reel .share > button").waitFor();
  }, 90_000);
  afterAll(() => page?.context().close());

  it.each(WIDTHS)("the page at %i px: nothing sideways, every block full width, the prompt box too, the clip in a box of its shape, its actions and Share on shared rows", async (width) => {
    await page.setViewportSize({ width, height: HEIGHTS[width] });
    await page.waitForTimeout(200);
    expect(await sideways(page), "sideways scroll").toBeLessThanOrEqual(0);
    const blocks = await page.evaluate(() => ({
      app: document.querySelector("#app")!.getBoundingClientRect().width - 32,
      chat: document.querySelector(".chat")!.getBoundingClientRect().width,
      dock: document.querySelector(".dock")!.getBoundingClientRect().width,
      side: [...document.querySelectorAll(".side > *")].map((panel) => panel.getBoundingClientRect().width),
      input: document.querySelector("#prompt")!.getBoundingClientRect().width,
    }));
    // The prompt box is as wide as the conversation above it (on a phone a little wider), never beside content.
    expect(blocks.dock).toBeGreaterThanOrEqual(blocks.chat - 1);
    expect(blocks.input).toBeGreaterThan(blocks.dock * 0.6);
    if (width < 832) for (const panel of blocks.side) expect(panel, "a panel under the conversation").toBeGreaterThanOrEqual(blocks.app - 1);
    else expect(blocks.chat + blocks.side[0] + 16).toBeGreaterThanOrEqual(blocks.app - 1);

    const player = await expectClipShaped(page, ".reel video.player", `the conversation's player at ${width}`);
    const rows = await expectActionsShareRows(page, ".reel", `the video's actions at ${width}`);
    if (width >= 768) expect(rows, "Download, Two more like this, Share on one row").toBe(1);
    // Scrolled to the video's top, the clip and its actions are on screen above the pinned prompt box.
    const fits = await page.locator(".reel").evaluate((reel) => {
      const top = reel.querySelector("video")!.getBoundingClientRect().top;
      const actions = [...reel.querySelectorAll(".actions > *, .share > button")].map((action) => action.getBoundingClientRect().bottom);
      return { span: Math.max(...actions) - top, room: innerHeight - document.querySelector(".dock")!.getBoundingClientRect().height };
    });
    expect(fits.span, `the ${shape} clip and its actions (${Math.round(player.height)} px player)`).toBeLessThanOrEqual(fits.room);
    await shot(page, `layout-page-${locale}-${width}`);
  });

  it.each(WIDTHS)("My videos at %i px: nothing sideways, a card's actions and Share on shared rows, the player dialog in the clip's shape", async (width) => {
    await page.setViewportSize({ width, height: HEIGHTS[width] });
    await page.goto(`${baseUrl}/videos${query}`);
    await page.locator(".video-card").first().waitFor();
    expect(await sideways(page), "sideways scroll").toBeLessThanOrEqual(0);
    await expectActionsShareRows(page, ".video-card article", `a card's actions at ${width}`);
    await page.locator(".video-card .actions button.primary").first().click();
    await expectClipShaped(page, "dialog[open] video", `the dialog's player at ${width}`);
    await shot(page, `layout-videos-${locale}-${width}`);
    await page.keyboard.press("Escape");
    await page.goto(`${baseUrl}/${query}`);
    await page.locator(".reel video.player").waitFor();
  });

  it.each(WIDTHS)("a share page at %i px: nothing sideways, the clip in a box of its shape that fits the screen", async (width) => {
    shareUrl ||= await page.evaluate(async () => {
      const headers = { Authorization: `Bearer ${localStorage.getItem("promptreel:visitorKey")}` };
      const { videos } = await (await fetch("/api/v1/videos", { headers })).json();
      return (await (await fetch(`/api/v1/videos/${videos[0].videoId}/share`, { method: "POST", headers })).json()).shareUrl as string;
    });
    const viewer = await open(shareUrl, { locale, viewport: { width, height: HEIGHTS[width] } });
    expect(await sideways(viewer), "sideways scroll").toBeLessThanOrEqual(0);
    const { height } = await expectClipShaped(viewer, "video", `the share page's player at ${width}`);
    expect(height).toBeLessThanOrEqual(HEIGHTS[width] * 0.7 + 1);
    await shot(viewer, `layout-share-${locale}-${width}`);
    await viewer.context().close();
  });
});

describe("the widget", () => {
  let host: Server;
  let hostUrl = "";
  beforeAll(async () => {
    const [port] = await freePorts(1, 8900, 8950);
    hostUrl = `http://127.0.0.1:${port}`;
    host = createServer((request, response) => {
      const inline = request.url?.startsWith("/inline");
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>A host site</title>
<style>body{margin:0;padding:16px;font:16px system-ui}main{max-width:760px;margin:0 auto}</style></head>
<body><main><h1>A host site</h1>${inline ? "<div data-promptreel></div>" : "<p>The widget opens from the button.</p>"}<p>After it.</p></main>
<script>window.heights=[];document.addEventListener("promptreel:resize",(event)=>heights.push(event.detail.height));</script>
<script src="${baseUrl}/embed.js" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(port, "127.0.0.1", resolve));
    await resetEmulator();
  });
  afterAll(() => host?.close());

  const appFrame = (page: Page) => page.frameLocator("iframe").first();
  const frameOf = (page: Page) => page.frames().find((frame) => frame.url().includes("embed=1"))!;
  /** The heights the host heard, once none has come for a second. */
  async function settledHeights(page: Page): Promise<number[]> {
    let heard: number[] = [];
    for (let round = 0; round < 30; round++) {
      await page.waitForTimeout(1000);
      const now = await page.evaluate(() => (window as unknown as { heights: number[] }).heights);
      if (now.length === heard.length && now.length > 0) return now;
      heard = now;
    }
    throw new Error(`the widget never stopped resizing: ${heard.join(" → ")}`);
  }

  describe.each(LANGUAGES)("in $name", ({ locale }) => {
    it.each(WIDTHS)("inline on a %i px screen: fills its element, nothing sideways, and its height follows the content in one message", async (width) => {
      const page = await open(`${hostUrl}/inline`, { locale, viewport: { width, height: HEIGHTS[width] } });
      await appFrame(page).locator("#prompt").waitFor({ timeout: 20_000 });
      const heights = await settledHeights(page);
      // The setting-up screen, then the conversation: no stairs (720 → 840 → … when the page grew with its frame).
      const rises = heights.filter((height, i) => i > 0 && height > heights[i - 1]).length;
      expect(rises, `heights heard: ${heights.join(" → ")}`).toBeLessThanOrEqual(1);
      const frame = frameOf(page);
      const sizes = await page.evaluate(() => ({
        element: document.querySelector("[data-promptreel]")!.clientWidth,
        frame: document.querySelector("iframe")!.getBoundingClientRect().toJSON(),
      }));
      expect(sizes.frame.width).toBe(sizes.element);
      const inside = await frame.evaluate(() => ({
        height: document.documentElement.getBoundingClientRect().height,
        layout: document.querySelector(".layout")!.getBoundingClientRect().width,
        blocks: [...document.querySelectorAll(".chat, .side > *, .dock")].map((block) => block.getBoundingClientRect().width),
      }));
      expect(Math.abs(sizes.frame.height - inside.height), "the frame as tall as the app").toBeLessThanOrEqual(1);
      // No empty grey column: the conversation, the panels and the prompt box each fill the frame's width.
      for (const block of inside.blocks) expect(block).toBeGreaterThanOrEqual(inside.layout - 1);
      expect(await sideways(frame), "sideways scroll in the frame").toBeLessThanOrEqual(0);
      expect(await sideways(page), "sideways scroll on the host").toBeLessThanOrEqual(0);
      await shot(page, `layout-widget-inline-${locale}-${width}`);

      // The host's column narrows (a phone turned, a sidebar opened): the app's new height is one message, which
      // the loader applies, and nothing follows it.
      await page.evaluate((width) => void (document.querySelector("main")!.style.maxWidth = `${width}px`), Math.round(sizes.frame.width * 0.6));
      const after = await settledHeights(page);
      expect(after.length - heights.length, `heights heard: ${after.join(" → ")}`).toBe(1);
      const shown = await frame.evaluate(() => document.documentElement.getBoundingClientRect().height);
      expect(Math.abs((await page.locator("iframe").boundingBox())!.height - shown)).toBeLessThanOrEqual(1);
      await page.context().close();
    });

    it.each(WIDTHS)("floating on a %i px screen: opens at the top, one title, nothing sideways, a video in a box of its shape", async (width) => {
      const page = await open(`${hostUrl}/floating`, { locale, viewport: { width, height: HEIGHTS[width] } });
      await page.getByRole("button", { name: "Make a video" }).click();
      await appFrame(page).locator("#prompt").waitFor({ timeout: 20_000 });
      await page.waitForTimeout(500);
      const frame = frameOf(page);
      expect(await frame.evaluate(() => scrollY), "the panel opens scrolled to its top").toBe(0);
      expect(await sideways(frame), "sideways scroll in the panel").toBeLessThanOrEqual(0);
      const titles = async (where: Page | Frame) =>
        where.evaluate(() =>
          [...document.querySelectorAll("body *")].filter((element) => {
            const own = [...element.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE).map((node) => node.textContent).join("").trim();
            const { width, height } = element.getBoundingClientRect();
            return own === "PromptReel" && width > 1 && height > 1;
          }).length,
        );
      expect((await titles(page)) + (await titles(frame)), "PromptReel written once on the panel").toBe(1);

      await appFrame(page).locator(".suggestion").first().click();
      await appFrame(page).locator(".reel video.player").waitFor({ timeout: 45_000 });
      expect(await sideways(frame), "sideways scroll in the panel with a video").toBeLessThanOrEqual(0);
      await expectClipShaped(frame, ".reel video.player", `the panel's player at ${width}`);
      await expectActionsShareRows(frame, ".reel", `the panel's video actions at ${width}`);
      await shot(page, `layout-widget-floating-${locale}-${width}`);
      await page.context().close();
    });
  });
});
