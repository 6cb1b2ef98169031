import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import axe from "axe-core";
import { type BrowserContext, type Frame, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snap } from "./helpers";
import { freePorts, startStack } from "./stack";

/**
 * The widget as a visitor meets it on someone else's site: host pages on 127.0.0.1 (another site than the app's
 * localhost), the app from `vite dev` with EMBED_ORIGINS naming one host origin only, and Chromium with
 * third-party cookies (and so third-party storage) blocked, as Safari and Chrome's setting do.
 */

// Four free ports in 8850–8899 (the browser project's own stack takes 8800–8849).
const [appPort, hostPort, refusedPort, strangerPort] = await freePorts(4, 8850, 8900);
const ports = { app: appPort, host: hostPort, refused: refusedPort, stranger: strangerPort };
const app = `http://localhost:${ports.app}`;
const host = `http://127.0.0.1:${ports.host}`;
const refusedHost = `http://127.0.0.1:${ports.refused}`;
const stranger = `http://127.0.0.1:${ports.stranger}`;
const keyName = `promptreel:key:${app}`;

/** A host page: records every widget event it hears, by DOM event and by PromptReel.on. */
const hostPage = (body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A host site</title></head>
<body><main><h1>A host site</h1>${body}</main>
<script>
  window.heard = [];
  for (const type of ["ready", "video", "error", "resize"])
    document.addEventListener("promptreel:" + type, (event) => heard.push({ type, detail: event.detail, via: "dom" }));
</script>
<script src="${app}/embed.js" async></script>
</body></html>`;

const pages: Record<string, string> = {
  "/inline": hostPage(`<p>Make a video here:</p><div data-promptreel></div>`),
  "/floating": hostPage(`<p>The widget opens from the button.</p>`),
  "/floating-opener": hostPage(`<button type="button" id="opener" onclick="PromptReel.open()">Open the video maker</button>`),
  // The app framed by hand, without the loader: nobody answers its greeting but the stranger beside it.
  "/without-loader": `<!doctype html><html lang="en"><head><title>No loader</title></head><body>
    <iframe title="PromptReel" src="${app}/?embed=1&origin=${encodeURIComponent(host)}"></iframe>
    <iframe title="An advert" src="${stranger}/stranger"></iframe></body></html>`,
  // A frame of a third origin inside the host page, sending what only the app or the host may send.
  "/with-stranger": hostPage(`<div data-promptreel></div><iframe title="An advert" src="${stranger}/stranger"></iframe>`),
  "/stranger": `<!doctype html><html lang="en"><head><title>Stranger</title></head><body><script>
    window.heard = [];
    addEventListener("message", (event) => heard.push(event.data));
    const forge = () => {
      parent.postMessage({ source: "promptreel", type: "video", detail: { exportId: "forged" } }, "*");
      for (let i = 0; i < parent.length; i++)
        if (parent[i] !== window) parent[i].postMessage({ source: "promptreel", type: "connect", detail: { key: "stolen-key" } }, "*");
    };
    setInterval(forge, 20);
  </script></body></html>`,
};

function serve(port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const page = pages[new URL(request.url ?? "/", "http://x").pathname];
    response.writeHead(page ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" }).end(page ?? "");
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

async function startApp(): Promise<{ stop: () => Promise<void> }> {
  const { baseUrl, stop } = await startStack(ports.app, { EMBED_ORIGINS: host });
  // Each page load without a kept key is a new visitor: no per-address limit on the emulator's free accounts.
  await fetch(`${baseUrl}/__emulator/config`, { method: "POST", body: JSON.stringify({ anonTokensPerIp: 0 }) });
  return { stop };
}

/**
 * Chromium with a profile whose cookie setting is `cookieControlsMode`: 1 is "Block third-party cookies", which
 * also refuses storage to third-party frames; 0 allows them (the frame gets its own, partitioned storage).
 */
async function chromiumWith(cookieControlsMode: 0 | 1): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), "promptreel-widget-"));
  mkdirSync(join(profile, "Default"));
  writeFileSync(join(profile, "Default", "Preferences"), JSON.stringify({ profile: { cookie_controls_mode: cookieControlsMode } }));
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

let context: BrowserContext;
let stopApp: () => Promise<void>;
const hosts: Server[] = [];

beforeAll(async () => {
  hosts.push(...(await Promise.all([ports.host, ports.refused, ports.stranger].map(serve))));
  ({ stop: stopApp } = await startApp());
  context = await chromiumWith(1);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await stopApp?.();
  for (const server of hosts) server.close();
});

type Heard = { type: string; detail: any; via: string };
const heard = (page: Page) => page.evaluate(() => (window as unknown as { heard: Heard[] }).heard);
/** What the host heard once the widget stops resizing (the app's vh-based parts may take a step or two). */
async function settled(page: Page): Promise<Heard[]> {
  let before = -1;
  for (let round = 0; round < 20; round++) {
    const events = await heard(page);
    if (events.length === before) return events;
    before = events.length;
    await page.waitForTimeout(250);
  }
  throw new Error("the widget never stopped resizing");
}
const waitToHear = (page: Page, type: string) =>
  page.waitForFunction((type) => (window as unknown as { heard: Heard[] }).heard.some((event) => event.type === type), type);

async function open(path: string, origin = host): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}${path}`);
  return page;
}

async function widgetFrame(page: Page): Promise<Frame> {
  const element = await page.waitForSelector(`iframe[src^="${app}/"]`);
  const frame = await element.contentFrame();
  if (!frame) throw new Error("the widget's iframe has no frame");
  return frame;
}

/** The visitor key the framed app holds, from the page's own storage module (its address under vite dev). */
const keyOf = (frame: Frame): Promise<string | null> =>
  frame.evaluate(`import("/web/storage.ts").then((storage) => storage.getKey())`);

async function axeViolations(target: Page | Frame) {
  await target.evaluate(axe.source);
  return target.evaluate(async () => {
    const results = await (window as any).axe.run(document, { iframes: false });
    return results.violations.map((violation: any) => `${violation.id}: ${violation.nodes.map((node: any) => node.target).join(", ")}`);
  });
}

describe("the widget on another site", () => {
  it("in a [data-promptreel] element: the app in an iframe, `ready` heard by the host, `resize` sets the height", async () => {
    const page = await open("/inline");
    const frame = await widgetFrame(page);
    expect(await page.locator("[data-promptreel] > iframe").count()).toBe(1);
    await waitToHear(page, "ready");
    await waitToHear(page, "resize");
    const [said, set] = await page.evaluate(() => [
      (window as any).heard.filter((event: Heard) => event.type === "resize").at(-1).detail.height,
      (document.querySelector("[data-promptreel] > iframe") as HTMLElement).style.height,
    ]);
    expect(set).toBe(`${said}px`);

    // The page grows: the host hears it and the iframe follows.
    await frame.evaluate(() => {
      const tall = document.createElement("div");
      tall.style.height = "2000px";
      document.getElementById("app")!.appendChild(tall);
    });
    await page.waitForFunction(() => (document.querySelector("[data-promptreel] > iframe") as HTMLElement).offsetHeight > 2000);
    const grown = (await settled(page)).filter((event) => event.type === "resize").at(-1)!;
    expect(grown.detail.height).toBeGreaterThan(2000);
    expect(await page.locator("[data-promptreel] > iframe").evaluate((element: HTMLElement) => element.offsetHeight)).toBe(
      grown.detail.height,
    );

    // And shrinks back: nothing in the framed page is sized by the frame's own (now tall) height.
    await frame.evaluate(() => document.getElementById("app")!.lastElementChild!.remove());
    await page.waitForFunction(() => (document.querySelector("[data-promptreel] > iframe") as HTMLElement).offsetHeight < 1500);
    await page.close();
  });

  it("`video` and `error` reach the host as the app says them, with addresses the host can open", async () => {
    const page = await open("/inline");
    const frame = await widgetFrame(page);
    await waitToHear(page, "ready");
    await frame.evaluate(`import("/web/bridge.ts").then((bridge) => {
      bridge.video({ exportId: "e1", url: "/api/v1/exports/e1/download?sig=s", downloadUrl: "/api/v1/exports/e1/download?sig=s" });
      bridge.error({ code: "no_credits", message: "You have no credits left." });
    })`);
    await waitToHear(page, "error");
    const events = await heard(page);
    expect(events.find((event) => event.type === "video")?.detail).toEqual({
      exportId: "e1",
      url: `${app}/api/v1/exports/e1/download?sig=s`,
      downloadUrl: `${app}/api/v1/exports/e1/download?sig=s`,
    });
    expect(events.find((event) => event.type === "error")?.detail).toEqual({ code: "no_credits", message: "You have no credits left." });
    await page.close();
  });

  it("PromptReel.on hears the same events as the DOM", async () => {
    const page = await open("/inline");
    const frame = await widgetFrame(page);
    await waitToHear(page, "ready");
    await page.evaluate(() =>
      (window as any).PromptReel.on("resize", (detail: unknown) => (window as any).heard.push({ type: "resize", detail, via: "on" })),
    );
    await frame.evaluate(() => {
      const tall = document.createElement("div");
      tall.style.height = "3000px";
      document.getElementById("app")!.appendChild(tall);
    });
    await page.waitForFunction(() => (window as any).heard.some((event: Heard) => event.via === "on"));
    const events = await settled(page);
    const last = (via: string) => events.filter((event) => event.type === "resize" && event.via === via).at(-1);
    expect(last("on")?.detail.height).toBeGreaterThan(3000);
    expect(last("on")?.detail).toEqual(last("dom")?.detail);
    await page.close();
  });

  it("with no element: a floating button opens the app in a panel", async () => {
    const page = await open("/floating");
    const button = page.getByRole("button", { name: "Make a video" });
    await button.waitFor();
    expect(await page.locator("iframe").count()).toBe(0);
    expect(await button.getAttribute("aria-expanded")).toBe("false");
    await button.click();
    expect(await button.getAttribute("aria-expanded")).toBe("true");
    await widgetFrame(page);
    await waitToHear(page, "ready");
    expect(await page.locator("#promptreel-panel").isVisible()).toBe(true);
    await button.click();
    expect(await page.locator("#promptreel-panel").isVisible()).toBe(false);
    await page.close();
  });

  it("the floating panel closes by its close button and by Escape, in the app or on the panel, giving the focus back", async () => {
    const page = await open("/floating");
    const button = page.getByRole("button", { name: "Make a video" });
    const panel = page.locator("#promptreel-panel");
    const close = page.getByRole("button", { name: "Close PromptReel" });
    const focused = () => page.evaluate(() => document.activeElement?.textContent);
    await snap(page, "widget-closed");

    // By keyboard: the button opens the panel and the focus goes into the app.
    await button.focus();
    await page.keyboard.press("Enter");
    const frame = await widgetFrame(page);
    await waitToHear(page, "ready");
    expect(await panel.isVisible()).toBe(true);
    expect(await close.isVisible()).toBe(true);
    await frame.getByLabel("Describe your video").waitFor();
    await snap(page, "widget-open");

    // Escape in the app: the app asks, the loader closes, the focus is back on the button.
    await frame.getByLabel("Describe your video").focus();
    await page.keyboard.press("Escape");
    await expect.poll(() => panel.isVisible()).toBe(false);
    expect(await button.getAttribute("aria-expanded")).toBe("false");
    expect(await focused()).toBe("Make a video");

    // Escape on the panel's own bar.
    await page.keyboard.press("Enter");
    await expect.poll(() => panel.isVisible()).toBe(true);
    await close.focus();
    await page.keyboard.press("Escape");
    await expect.poll(() => panel.isVisible()).toBe(false);
    expect(await focused()).toBe("Make a video");

    // The close button, by pointer; the app kept its state (the same frame, not a new one).
    await button.click();
    await expect.poll(() => panel.isVisible()).toBe(true);
    await close.click();
    await expect.poll(() => panel.isVisible()).toBe(false);
    expect(await focused()).toBe("Make a video");
    expect(await page.locator("iframe").count()).toBe(1);
    await page.close();
  });

  it("opened by the host's own control (PromptReel.open()), the panel gives the focus back to that control", async () => {
    const page = await open("/floating-opener");
    await page.getByRole("button", { name: "Make a video" }).waitFor();
    await page.getByRole("button", { name: "Open the video maker" }).focus();
    await page.keyboard.press("Enter");
    const frame = await widgetFrame(page);
    await waitToHear(page, "ready");
    await frame.getByLabel("Describe your video").focus();
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator("#promptreel-panel").isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("opener");
    await page.close();
  });

  it("Escape in an inline widget leaves it where it is", async () => {
    const page = await open("/inline");
    const frame = await widgetFrame(page);
    await waitToHear(page, "ready");
    await frame.getByLabel("Describe your video").focus();
    await page.keyboard.press("Escape");
    await page.waitForTimeout(300);
    expect(await page.locator("[data-promptreel] > iframe").isVisible()).toBe(true);
    await page.close();
  });

  it("with third-party storage blocked the app still works: the host keeps its key, never in a URL", async () => {
    const page = await open("/inline");
    const frame = await widgetFrame(page);
    expect(await frame.evaluate(() => { try { return typeof localStorage; } catch (error) { return (error as Error).name; } })).toBe("SecurityError");
    await page.waitForFunction((name) => localStorage.getItem(name) !== null, keyName);
    const key = await page.evaluate((name) => localStorage.getItem(name), keyName);
    expect(await keyOf(frame)).toBe(key);
    expect(frame.url()).not.toContain(key!);

    // Back on the host site later: the same visitor, no new one.
    const created: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/api/v1/visitors")) created.push(request.url());
    });
    await page.reload();
    const again = await widgetFrame(page);
    await waitToHear(page, "ready");
    expect(await keyOf(again)).toBe(key);
    expect(created).toEqual([]);
    await page.close();
  });

  it("where the frame may keep its own storage, the host is never given the key", async () => {
    const allowing = await chromiumWith(0);
    try {
      const page = await allowing.newPage();
      await page.goto(`${host}/inline`);
      const frame = await widgetFrame(page);
      await waitToHear(page, "ready");
      await expect.poll(() => keyOf(frame), { timeout: 10_000 }).not.toBeNull();
      expect(await frame.evaluate(() => Object.values(localStorage))).toContain(await keyOf(frame));
      expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    } finally {
      await allowing.close();
    }
  });

  it("messages from any other origin or window are ignored, by the host and by the app", async () => {
    const page = await open("/with-stranger");
    const frame = await widgetFrame(page);
    await waitToHear(page, "ready");
    // The host page's own window, too, is not the widget.
    await page.evaluate(() => window.postMessage({ source: "promptreel", type: "error", detail: { code: "forged" } }, "*"));
    await page.waitForTimeout(300);
    const events = await heard(page);
    expect(events.filter((event) => event.type === "video" || event.type === "error")).toEqual([]);
    expect(await keyOf(frame)).not.toBe("stolen-key");
    expect(await page.evaluate((name) => localStorage.getItem(name), keyName)).not.toBe("stolen-key");
    // And the app never spoke to the stranger: it names the host's origin on every message.
    const strangerFrame = page.frames().find((candidate) => candidate.url().startsWith(stranger))!;
    expect(await strangerFrame.evaluate(() => (window as any).heard)).toEqual([]);

    // The widget's frame, once navigated to another origin, is no longer heard either.
    await frame.evaluate((address) => location.assign(address), `${stranger}/stranger`);
    await page.waitForFunction(
      (stranger) => Array.from(document.querySelectorAll("iframe")).filter((frame) => frame.src.startsWith(stranger)).length > 0,
      stranger,
    );
    await page.waitForTimeout(300);
    expect((await heard(page)).filter((event) => event.type === "video")).toEqual([]);
    await page.close();
  });

  it("the app takes its greeting's answer from the page that framed it only", async () => {
    const page = await context.newPage();
    const keysUsed = new Set<string>();
    page.on("requestfinished", async (request) => {
      const authorization = await request.headerValue("authorization");
      if (authorization) keysUsed.add(authorization);
    });
    await page.goto(`${host}/without-loader`);
    const frame = await widgetFrame(page);
    await expect.poll(() => keysUsed.size, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await keyOf(frame)).not.toBe("stolen-key");
    expect([...keysUsed]).not.toContain("Bearer stolen-key");
    await page.close();
  });

  it("a site outside EMBED_ORIGINS cannot frame the app, and hears after 10 s that it did not load", async () => {
    const page = await context.newPage();
    const refusals: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("frame-ancestors")) refusals.push(message.text());
    });
    await page.goto(`${refusedHost}/inline`);
    const frame = await widgetFrame(page);
    await page.waitForTimeout(1500);
    expect(await heard(page)).toEqual([]);
    expect(await frame.evaluate(() => document.getElementById("app"))).toBeNull();
    expect(refusals.join("\n")).toContain("frame-ancestors");
    await page.waitForFunction(() => (window as unknown as { heard: Heard[] }).heard.length > 0, null, { timeout: 15_000 });
    const [error] = await heard(page);
    expect(error).toMatchObject({ type: "error", detail: { code: "not_loaded" } });
    expect((error.detail as { message: string }).message).toContain("EMBED_ORIGINS");
    await page.close();
  }, 30_000);

  it("axe-core finds nothing on the host page with the widget, nor in the framed app", async () => {
    for (const path of ["/inline", "/floating"]) {
      const page = await open(path);
      if (path === "/floating") await page.getByRole("button", { name: "Make a video" }).click();
      const frame = await widgetFrame(page);
      await waitToHear(page, "ready");
      expect(await axeViolations(page)).toEqual([]);
      expect(await axeViolations(frame)).toEqual([]);
      await page.close();
    }
  });
});
