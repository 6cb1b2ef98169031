import { describe, expect, it } from "vitest";
import { call, emulator, newVisitor, useEmulator } from "../helpers";

useEmulator();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A visitor with `count` finished videos, made one after another. */
async function visitorWithVideos(count: number) {
  await emulator.call("/config", { method: "POST", json: { anonCredits: 1000 } });
  const { key } = await newVisitor();
  for (let i = 0; i < count; i++) await call("/generations", { method: "POST", key, json: { prompt: `a paper boat, take ${i}` } });
  const deadline = Date.now() + 15_000;
  while ((await call("/videos?limit=100", { key })).body.videos.length < count && Date.now() < deadline) await sleep(50);
  return key;
}

describe("lists come in pages, newest first", () => {
  it("three videos paged two at a time: two, then one with nextCursor null, none twice", async () => {
    const key = await visitorWithVideos(3);
    const first = await call("/videos?limit=2", { key });
    expect(first.status).toBe(200);
    expect(first.body.videos).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(`/videos?limit=2&after=${encodeURIComponent(first.body.nextCursor)}`, { key });
    expect(second.body.videos).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.videos, ...second.body.videos].map((video: any) => video.videoId);
    expect(new Set(ids).size).toBe(3);
    const all = (await call("/videos", { key })).body;
    expect(all.videos.map((video: any) => video.videoId)).toEqual(ids);
    expect(all.nextCursor).toBeNull();
    const times = all.videos.map((video: any) => video.createdAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("a limit outside 1–100 and a cursor this API did not give are refused with 400 in words", async () => {
    const { key } = await newVisitor();
    for (const query of ["limit=1000", "limit=0", "after=not-a-cursor"]) {
      const answer = await call(`/videos?${query}`, { key });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
    }
  });
});
