import { beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { emulator, npmStartCredits, runQuickStart, useBrowser } from "./helpers";

/**
 * A local trial as a person runs one: `npm start`, then browser after browser, phone after phone, from the one
 * address of the machine. The stack is npm start's (vite.config.ts), with its room for new visitors and free
 * accounts; the emulator is reset to its defaults there, nothing relaxed by the test.
 */
const open = useBrowser();

beforeEach(async () => {
  await emulator("reset");
  await emulator("config", { anonCredits: npmStartCredits });
});

const FOX = "a fox running through a snowy forest";

/** A fresh visitor (a browser of its own, no address of its own) sends the first suggestion and reads the reply. */
async function tryIt(visitor: number): Promise<string> {
  const page: Page = await open("/", { extraHTTPHeaders: {}, ...(visitor % 2 ? { viewport: { width: 390, height: 844 } } : {}) });
  try {
    await page.getByRole("button", { name: FOX }).click({ timeout: 20_000 });
    const reply = page.locator(".line.assistant").filter({ hasText: "is ready" });
    await reply.waitFor({ timeout: 30_000 });
    return (await reply.textContent()) ?? "";
  } finally {
    await page.context().close();
  }
}

describe("a local trial", () => {
  it("twelve fresh visitors from one machine all get a working page: each sends a message and reads the reply; then the README's curl walk runs", async () => {
    const replies: string[] = [];
    // Three at a time: as many browsers as a person has open, and what two cores carry.
    for (let first = 0; first < 12; first += 3)
      replies.push(...(await Promise.all([first, first + 1, first + 2].map(tryIt))));
    expect(replies).toHaveLength(12);
    for (const reply of replies) expect(reply).toMatch(/Your \d+-second clip ".+" is ready/);

    const { run } = runQuickStart();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout.match(/^event: done$/gm)?.length).toBe(2);
  }, 240_000);
});
