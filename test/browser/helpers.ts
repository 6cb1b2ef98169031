import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";

/** The stack's address (globalSetup in stack.ts). */
export const baseUrl = inject("baseUrl");

let addresses = 0;
/**
 * A client address of its own for each fresh visitor (TEST-NET-2). The Worker allows 10 new visitors per address
 * a minute; the tests make more than that from one machine. In production Cloudflare sets `CF-Connecting-IP`
 * itself; `vite dev` passes the browser's on.
 */
export const nextAddress = () => `198.51.100.${(addresses++ % 250) + 1}`;

/**
 * One Chromium per test file: Debian's own (/usr/bin/chromium), driven by playwright-core, which never
 * downloads a browser.
 */
export function useBrowser() {
  const state: { browser?: Browser } = {};
  beforeAll(async () => {
    state.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });
  afterAll(async () => {
    await state.browser?.close();
  });

  /** A fresh visitor: a new context (its own storage), English unless said otherwise; `path` may be a whole address. */
  return async function open(path = "/", options: BrowserContextOptions = {}): Promise<Page> {
    const context = await state.browser!.newContext({
      viewport: { width: 1280, height: 800 },
      locale: "en-US",
      acceptDownloads: true,
      extraHTTPHeaders: { "CF-Connecting-IP": nextAddress() },
      ...options,
    });
    const page = await context.newPage();
    page.on("pageerror", (error) => console.error("page error:", error.message));
    await page.goto(path.startsWith("http") ? path : `${baseUrl}${path}`);
    return page;
  };
}

/** The emulator's control API (/__emulator/…, reachable in vite dev only). */
export async function emulator(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${baseUrl}/__emulator/${path}`, {
    method: body === undefined && path !== "reset" ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A clean emulator for each test; every browser context counts as one address, so no per-address limit. */
export async function resetEmulator() {
  await emulator("reset");
  await emulator("config", { anonTokensPerIp: 0 });
}

/** What `npm start` grants each free account (emulator/wrangler.toml); the browser stack keeps NemoVideo's 100. */
export const npmStartCredits = Number(/^ANON_CREDITS = "(\d+)"/m.exec(readFileSync(new URL("../../emulator/wrangler.toml", import.meta.url), "utf8"))![1]);

/** The README's curl walk, exactly as printed there, pointed at this stack instead of localhost:8787. */
function quickStart(): string {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const after = readme.slice(readme.indexOf("Try it with curl while `npm start` runs"));
  const block = /```sh\n([\s\S]*?)```/.exec(after)?.[1];
  if (!block) throw new Error("README: no curl block after 'Try it with curl'");
  return block.replaceAll("localhost:8787", new URL(baseUrl).host);
}

/** Runs the README's curl walk in a directory of its own; every line must work (bash -e, curl -f). */
export function runQuickStart() {
  const script = quickStart();
  const dir = mkdtempSync(join(tmpdir(), "promptreel-readme-"));
  const run = spawnSync("bash", ["-euo", "pipefail", "-c", script.replaceAll("curl -s", "curl -fs")], {
    cwd: dir,
    encoding: "utf8",
    // Nothing on stdin: bash reads /etc/bash.bashrc when stdin is a socket, as it may be under a test runner.
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  return { script, run, dir };
}

const axeSource = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

/** axe-core, injected into the page, finds no violations (WCAG 2 A and AA, and best practices). */
export async function expectAccessible(page: Page, screen: string) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((violation) => ({
      id: violation.id,
      help: violation.help,
      targets: violation.nodes.map((node) => JSON.stringify(node.target)),
    }));
  });
  expect(violations, `axe on the ${screen} screen`).toEqual([]);
}

/**
 * The person leaves the tab (for NemoVideo's site in another one) and comes back to it. Headless Chromium keeps
 * every tab visible, so the page is told as a browser tells it: `document.hidden` and a `visibilitychange` each way.
 */
export async function comeBack(page: Page) {
  await page.evaluate(() => {
    for (const hidden of [true, false]) {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
      document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
    }
  });
}

/** Presses Tab until the focused element has this accessible name (or role text); fails after 40 presses. */
export async function tabTo(page: Page, name: string | RegExp) {
  for (let presses = 0; presses < 40; presses++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element) return "";
      const labelled = element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : undefined;
      return element.getAttribute("aria-label") ?? labelled ?? element.textContent ?? "";
    });
    if (typeof name === "string" ? focused.trim() === name : name.test(focused)) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

const SCREENS = process.env.SCREENS_DIR;

/**
 * With SCREENS_DIR set (see docs/testing.md), a screenshot of the page at desktop (1280x800) and phone (390x844) width.
 * `settle` waits for the page to be drawn again at phone width (a host page whose frames tell it their new height).
 */
export async function snap(page: Page, name: string, settle?: () => Promise<unknown>) {
  if (!SCREENS) return;
  mkdirSync(SCREENS, { recursive: true });
  const size = page.viewportSize();
  await page.screenshot({ path: `${SCREENS}/${name}-desktop.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await settle?.();
  await page.screenshot({ path: `${SCREENS}/${name}-phone.png`, fullPage: true });
  if (size) await page.setViewportSize(size);
}
