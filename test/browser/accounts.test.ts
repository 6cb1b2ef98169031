import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, snap, useBrowser } from "./helpers";
import { freePorts, startStack } from "./stack";

/**
 * A deployment whose free NemoVideo accounts are spent (its own stack, with a budget of one a week): the next new
 * visitor is told at once, in the API's words, with the way out, not left on "Setting things up…".
 */
const open = useBrowser();
let stack: { baseUrl: string; stop: () => Promise<void> };

beforeAll(async () => {
  const [port] = await freePorts(1, 8850, 8899);
  stack = await startStack(port, { ANONYMOUS_ACCOUNTS_PER_WEEK: "1" });
  await fetch(`${stack.baseUrl}/__emulator/config`, { method: "POST", body: JSON.stringify({ anonTokensPerIp: 0 }) });
}, 120_000);
afterAll(() => stack?.stop());

describe("when the site's free accounts are spent", () => {
  it("the first visitor gets one; the next is told at once why, until when, and the way out, never left on the spinner", async () => {
    const first = await open(`${stack.baseUrl}/`);
    await first.getByRole("button", { name: "a fox running through a snowy forest" }).waitFor();
    await first.context().close();

    const started = Date.now();
    const page = await open(`${stack.baseUrl}/`);
    const status = page.getByRole("status").filter({ hasText: "free NemoVideo accounts" });
    await status.waitFor({ timeout: 5_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(status.textContent()).resolves.toMatch(/New ones free up on .* UTC/);
    await expect(page.locator(".spinner").count()).resolves.toBe(0);
    const register = page.getByRole("link", { name: "Register with NemoVideo" });
    await expect(register.getAttribute("href")).resolves.toBe("https://nemovideo.com/register");
    await expectAccessible(page, "accounts spent");
    await snap(page, "accounts-spent");
    await page.context().close();
  });

  it("the Chinese page says it in its own words, with the date, and the same way out", async () => {
    const page = await open(`${stack.baseUrl}/?lang=zh-CN`, { locale: "zh-CN" });
    const status = page.getByRole("status").filter({ hasText: "免费账号已用完" });
    await status.waitFor({ timeout: 5_000 });
    await expect(status.textContent()).resolves.toMatch(/可在 .* 之后再试/);
    await page.getByRole("link", { name: "注册 NemoVideo" }).waitFor();
    await page.context().close();
  });
});
