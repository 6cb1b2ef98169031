import { beforeEach, describe, expect, it } from "vitest";
import { baseUrl, emulator, expectAccessible, resetEmulator, snap, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

describe("errors in words, with the way out", () => {
  it("no credits left: says so and links to NemoVideo's registration for this account", async () => {
    await emulator("faults", { fault: "no-credits", match: { path: "/run_sse" } });
    const page = await open("/");
    await page.getByRole("button", { name: "a fox running through a snowy forest" }).click();
    // The suggestion is gone once sent: the prompt box has the focus.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("prompt");
    const error = page.locator(".line.error");
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain("You've used all your free credits");
    const register = page.getByRole("link", { name: "Register with NemoVideo" });
    await expect(register.getAttribute("href")).resolves.toMatch(/^https:\/\/nemovideo\.com\/register\?bind=anon_/);
    await expectAccessible(page, "error");
    await snap(page, "error");
    await page.context().close();
  });

  it("an export NemoVideo's free plan blocks: “register or upgrade”", async () => {
    const page = await open("/");
    await page.getByLabel("Describe your video").fill("a fox running through a snowy forest");
    await page.getByRole("button", { name: "Send" }).click();
    // Every render request from now on is refused with HTTP 402, as NemoVideo does for a blocked plan.
    await emulator("faults", { fault: "server-error", times: 20, match: { path: "/api/render/" }, params: { status: 402 } });
    const error = page.locator(".line.error");
    await error.waitFor({ timeout: 20_000 });
    await expect(error.textContent()).resolves.toContain("Register or upgrade your plan to unlock export.");
    await page.getByRole("link", { name: "Register or upgrade" }).waitFor();
    await expect(page.getByRole("link", { name: "Download MP4" }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it("an export whose progress can't be followed: says so, and Export again picks it up", async () => {
    const page = await open("/");
    await page.route("**/api/v1/exports/*/events", (route) =>
      route.fulfill({
        status: 500,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "internal", message: "Something went wrong on our side. Please try again." } }),
      }),
    );
    await page.getByLabel("Describe your video").fill("a fox running through a snowy forest");
    await page.getByRole("button", { name: "Send" }).click();
    // The reply asks for an export and the page starts one; its progress is refused.
    const error = page.locator(".line.error", { hasText: "Something went wrong on our side" });
    await error.waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: "Export MP4" }).waitFor();
    await expect(page.getByRole("progressbar", { name: "Export progress" }).count()).resolves.toBe(0);
    // Export again joins the export still running, and follows it to its end.
    await page.unroute("**/api/v1/exports/*/events");
    await page.getByRole("button", { name: "Export MP4" }).click();
    await page.getByRole("link", { name: "Download MP4" }).waitFor({ timeout: 30_000 });
    await page.context().close();
  });

  it("a reply whose stream keeps breaking off: says the connection was lost, and the box can send again", async () => {
    const page = await open("/");
    await page.getByText("100 credits").waitFor();
    // The reply starts, then its stream ends without `done`, and every attempt to pick it up fails to connect.
    await page.route("**/api/v1/sessions/*/messages", (route) =>
      route.request().method() === "POST"
        ? route.fulfill({ contentType: "text/event-stream", body: 'id: 1\nevent: text\ndata: {"text":"Let me"}\n\n' })
        : route.continue(),
    );
    await page.route("**/api/v1/sessions/*/turn*", (route) => route.abort("connectionreset"));
    await page.getByLabel("Describe your video").fill("a fox running through a snowy forest");
    await page.getByRole("button", { name: "Send" }).click();
    await page.locator(".line.error", { hasText: "We lost the connection" }).waitFor();
    await expect(page.locator(".status").textContent()).resolves.toBe("");
    await page.getByLabel("Describe your video").fill("hello");
    await page.locator("form.composer button[type=submit]:enabled").waitFor();
    await page.context().close();
  });

  it("typing “export” before there is a video: the page says to describe one first, and nothing is rendered", async () => {
    const page = await open("/?lang=zh-CN");
    await page.getByText("100 积分").waitFor();
    await page.getByLabel("描述你的视频").fill("导出");
    await page.getByRole("button", { name: "发送" }).click();
    const error = page.locator(".line.error");
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain("请先制作视频");
    const { requests } = (await fetch(`${baseUrl}/__emulator/requests`).then((answer) => answer.json())) as {
      requests: { path: string }[];
    };
    expect(requests.filter((request) => request.path.startsWith("/api/render/"))).toHaveLength(0);
    await page.context().close();
  });

  it("NemoVideo not answering: a sentence, never a code", async () => {
    await emulator("faults", { fault: "server-error", times: 5, match: { path: "/run_sse" }, params: { status: 503 } });
    const page = await open("/");
    await page.getByLabel("Describe your video").fill("a fox running through a snowy forest");
    await page.getByRole("button", { name: "Send" }).click();
    const error = page.locator(".line.error");
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/^NemoVideo .*\./);
    await expect(error.textContent()).resolves.not.toMatch(/503|upstream_/);
    await page.context().close();
  });
});
