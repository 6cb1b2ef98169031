import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { emulator, expectAccessible, resetEmulator, useBrowser } from "./helpers";

const open = useBrowser();
beforeEach(resetEmulator);

const clip = readFileSync(new URL("../../emulator/clips/landscape-5s.mp4.bin", import.meta.url));
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
/** Bytes that differ along the file, so that one moved, lost or repeated on the way changes its digest. */
function varied(size: number) {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = ((i * 2654435761) >>> 24) ^ (i >>> 20);
  return bytes;
}
const uploadsUpstream = async () =>
  ((await emulator("requests")) as { requests: { path: string }[] }).requests.filter((request) =>
    request.path.startsWith("/api/upload-video/"),
  );

describe("uploads", () => {
  it("sends a chosen video with a progress bar and lists it under the media", async () => {
    const page = await open("/");
    await page.getByText("Try saying…").waitFor();
    // 8 MB, so that the bar is on screen long enough to be seen.
    const video = varied(8 * 1024 * 1024);
    clip.copy(video);
    await page.locator("#file-input").setInputFiles({ name: "beach.mp4", mimeType: "video/mp4", buffer: video });
    await page.getByRole("progressbar", { name: "Uploading beach.mp4…" }).waitFor();
    await page.locator(".line.notice", { hasText: "Added beach.mp4." }).waitFor();
    await page.locator(".uploads .files", { hasText: "beach.mp4" }).waitFor();
    expect(await uploadsUpstream()).toHaveLength(1);
    const counted = (await emulator("uploads")) as { uploads: { files: { filename: string; bytes: number; sha256: string }[] }[] };
    expect(counted.uploads.at(-1)?.files).toEqual([{ filename: "beach.mp4", bytes: video.length, sha256: sha256(video) }]);
    await expectAccessible(page, "upload");
    await page.context().close();
  });

  it("takes a file dropped on the media panel, and a link", async () => {
    const page = await open("/");
    await page.getByText("Try saying…").waitFor();
    const dropped = await page.evaluateHandle((bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], "dropped.mp4", { type: "video/mp4" }));
      return transfer;
    }, [...clip.subarray(0, 4096)]);
    await page.locator(".uploads").dispatchEvent("drop", { dataTransfer: dropped });
    await page.locator(".line.notice", { hasText: "Added dropped.mp4." }).waitFor();

    await page.getByLabel("Or add by link").fill("https://example.com/media/waves.mp3");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.locator(".line.notice", { hasText: "Added waves.mp3." }).waitFor();
    expect(await uploadsUpstream()).toHaveLength(2);
    await page.context().close();
  });

  it("sends a file larger than one part in parts (the resumable upload)", async () => {
    const page = await open("/");
    await page.getByText("Try saying…").waitFor();
    const large = varied(33 * 1024 * 1024 + 123);
    clip.copy(large);
    await page.locator("#file-input").setInputFiles({ name: "long.mp4", mimeType: "video/mp4", buffer: large });
    await page.locator(".line.notice", { hasText: "Added long.mp4." }).waitFor({ timeout: 30_000 });
    const counted = (await emulator("uploads")) as { uploads: { files: { filename: string; bytes: number; sha256: string }[] }[] };
    expect(counted.uploads.at(-1)?.files).toEqual([{ filename: "long.mp4", bytes: large.length, sha256: sha256(large) }]);
    await page.context().close();
  });

  it("refuses a file NemoVideo can't use before sending a byte, and says which formats work", async () => {
    const page = await open("/");
    await page.getByLabel("Describe your video").fill("hello");
    await page.keyboard.press("Enter");
    await page.locator(".line.assistant").waitFor();
    // A returning visitor whose history arrives late: the refusal said meanwhile stays on screen after it.
    await page.route("**/api/v1/sessions/*/messages", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.continue();
    });
    await page.reload();
    // The box is there while the history is still on its way (no suggestions for a returning visitor meanwhile).
    await page.getByLabel("Describe your video").waitFor();
    await page.locator("#file-input").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hi") });
    const error = page.locator(".line.error");
    await error.waitFor();
    await page.locator(".line.user", { hasText: "hello" }).waitFor();
    await expect(page.locator(".line").last().getAttribute("class")).resolves.toContain("error");
    await expect(error.textContent()).resolves.toContain("notes.txt can't be used. Supported formats: video MP4");
    expect(await uploadsUpstream()).toHaveLength(0);
    await page.context().close();
  });

  it("opens the file picker when the person types “upload”", async () => {
    const page = await open("/");
    await page.getByText("Try saying…").waitFor();
    const chooser = page.waitForEvent("filechooser");
    await page.getByLabel("Describe your video").fill("upload");
    await page.keyboard.press("Enter");
    await (await chooser).setFiles({ name: "intro.mp4", mimeType: "video/mp4", buffer: clip });
    await page.locator(".line.notice", { hasText: "Added intro.mp4." }).waitFor();
    await page.context().close();
  });
});
