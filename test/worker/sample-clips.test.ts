import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readMp4 } from "../emulator/mp4";
import { call, chat, emulator, newSession, newVisitor, useEmulator } from "../helpers";

useEmulator();

/**
 * Through the relay, as a person meets the emulator under `npm start`: what the reply says, what the library says
 * and what the MP4 is agree, for the shape and length asked in words or as choices.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 12_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error("not in time");
    await sleep(30);
  }
}

const fileOf = async (url: string) => readMp4(new Uint8Array(await (await exports.default.fetch(new Request(url))).arrayBuffer()));

/** The library's view of a visitor's one video, with the frame its share page's oEmbed tells (640 wide). */
async function libraryVideo(key: string) {
  const video = (await call("/videos", { key })).body.videos[0];
  const { shareUrl } = (await call(`/videos/${video.videoId}/share`, { method: "POST", key })).body;
  const oembed = await (await exports.default.fetch(new Request(`http://localhost/oembed?url=${encodeURIComponent(shareUrl)}&format=json`))).json<any>();
  return { durationS: video.durationS, frame: `${oembed.width}x${oembed.height}` };
}

const textOf = (events: { event?: string; data: any }[]) => events.filter((e) => e.event === "text").map((e) => e.data.text).join("");

describe("sample clips through the relay", () => {
  it("a generation with choices (9:16, 15 s): the reply, the library and the MP4 say the same", async () => {
    const { key } = await newVisitor();
    const { body } = await call("/generations", { method: "POST", key, json: { prompt: "a lighthouse at dusk", aspectRatio: "9:16", lengthS: 15 } });
    const done = await until(async () => {
      const answer = await call(`/generations/${body.generationId}`, { key });
      return ["completed", "failed"].includes(answer.body.status) ? answer.body : undefined;
    });
    expect(done.status).toBe("completed");
    expect(done.messages.at(-1).text).toMatch(/^Your 15-second clip "Lighthouse Dusk" is ready: a 9:16 vertical draft of a lighthouse at dusk,/);
    expect(await fileOf(done.downloadUrl)).toEqual({ durationS: expect.closeTo(15, 1), width: 720, height: 1280 });
    expect(await libraryVideo(key)).toEqual({ durationS: 15, frame: "640x1138" });
  });

  it("a chat, then a tweak in words ('make it square, 5 seconds'), then an export: a 5 s 720x720 MP4", async () => {
    const { key, sessionId } = await newSession("en");
    await emulator.grantCredits(1000);
    expect(textOf((await chat(key, sessionId, "a fox running through a snowy forest")).events)).toMatch(/^Your 10-second clip .* a 16:9 landscape draft/);
    expect(textOf((await chat(key, sessionId, "make it square, 5 seconds")).events)).toBe("The video is now 5 seconds, 1:1 square (720x720).");
    const { body } = await call(`/sessions/${sessionId}/exports`, { method: "POST", key, json: {} });
    const exported = await until(async () => {
      const answer = await call(`/exports/${body.exportId}`, { key });
      return answer.body.status === "completed" ? answer.body : undefined;
    });
    expect(await fileOf(exported.downloadUrl)).toEqual({ durationS: expect.closeTo(5, 1), width: 720, height: 720 });
    expect(await libraryVideo(key)).toEqual({ durationS: 5, frame: "640x640" });
  });
});
