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

/** Each list, its items' field and id, and how one more item is made while it is being read. */
const LISTS = [
  { path: "/generations", items: "generations", id: "generationId", add: (key: string) => call("/generations", { method: "POST", key, json: { prompt: "one more boat" } }) },
  { path: "/exports", items: "exports", id: "exportId", add: (key: string, sessionId: string) => call(`/sessions/${sessionId}/exports`, { method: "POST", key, json: {} }) },
  { path: "/sessions", items: "sessions", id: "sessionId", add: (key: string) => call("/sessions", { method: "POST", key, json: {} }) },
] as const;

/** Every item of a list, page by page, `limit` at a time. */
async function everyPage(key: string, path: string, items: string, limit: number) {
  const pages: any[][] = [];
  let after: string | null = null;
  do {
    const page: any = await call(`${path}?limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ""}`, { key });
    expect(page.status).toBe(200);
    pages.push(page.body[items]);
    after = page.body.nextCursor;
  } while (after && pages.length < 10);
  return pages;
}

describe.each(LISTS)("GET $path comes in pages, newest first", ({ path, items, id, add }) => {
  it("three items paged two at a time: two, then one with nextCursor null, none twice; the same as one page of all", async () => {
    const key = await visitorWithVideos(3);
    const pages = await everyPage(key, path, items, 2);
    expect(pages.map((page) => page.length)).toEqual([2, 1]);
    const ids = pages.flat().map((item) => item[id]);
    expect(new Set(ids).size).toBe(3);
    const all = (await call(path, { key })).body;
    expect(all[items].map((item: any) => item[id])).toEqual(ids);
    expect(all.nextCursor).toBeNull();
    const times = all[items].map((item: any) => item.createdAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("an item made between two pages is not seen twice, and nothing is skipped", async () => {
    const key = await visitorWithVideos(3);
    const before = (await call(path, { key })).body[items].map((item: any) => item[id]);
    const first = await call(`${path}?limit=2`, { key });
    const { sessionId } = first.body[items][0].sessionId ? first.body[items][0] : (await call("/sessions", { key })).body.sessions[0];
    expect((await add(key, sessionId)).status).toBeLessThan(300);
    const second = await call(`${path}?limit=2&after=${encodeURIComponent(first.body.nextCursor)}`, { key });
    const seen = [...first.body[items], ...second.body[items]].map((item: any) => item[id]);
    expect(seen).toEqual(before);
    expect(second.body.nextCursor).toBeNull();
    expect((await call(path, { key })).body[items].length).toBeGreaterThanOrEqual(4);
  });

  it("a limit outside 1–100 and a cursor this API did not give are refused with 400 in words", async () => {
    const { key } = await newVisitor();
    for (const query of ["limit=1000", "limit=0", "after=not-a-cursor"]) {
      const answer = await call(`${path}?${query}`, { key });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
    }
  });
});
