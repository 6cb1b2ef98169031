import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { call, chat, emulator, fetchWorker, newSession, useEmulator } from "../helpers";

useEmulator();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FINAL = ["completed", "failed", "cancelled"];
const text = (result: any) => result.content.find((block: any) => block.type === "text")?.text as string;

/** The official client, as an agent's host runs it, over Streamable HTTP to the Worker. */
async function connect(key: string) {
  const client = new Client({ name: "test", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL("http://localhost/mcp"), { fetch: fetchWorker, requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
  return client;
}

/** Calls get_video until the video has ended. */
async function settled(client: Client, id: string) {
  for (let i = 0; i < 300; i++) {
    const result: any = await client.callTool({ name: "get_video", arguments: { id } });
    if (FINAL.includes(result.structuredContent?.status)) return result.structuredContent;
    await sleep(40);
  }
  throw new Error(`${id} did not end`);
}

/** A video made in the app's chat (no generation of its own): a turn, then its export to completed. */
async function chatVideo(key: string, sessionId: string) {
  await emulator.grantCredits(1000);
  await chat(key, sessionId, "generate a video of a fox in the snow");
  const { body } = await call(`/sessions/${sessionId}/exports`, { method: "POST", key, json: {} });
  for (let i = 0; i < 300 && (await call(`/exports/${body.exportId}`, { key })).body.status !== "completed"; i++) await sleep(30);
  return body.exportId as string;
}

describe("MCP list_videos in pages", () => {
  it("three videos two at a time: two, then one with nextCursor null, none twice, newest first, unmoved by a video started meanwhile", async () => {
    const { key, sessionId } = await newSession("en");
    const fromChat = await chatVideo(key, sessionId);
    const client = await connect(key);
    const made: string[] = [];
    for (const prompt of ["a lighthouse at dusk", "a paper boat on a river"]) {
      const { structuredContent } = (await client.callTool({ name: "create_video", arguments: { prompt } })) as any;
      made.push(structuredContent.id);
      expect((await settled(client, structuredContent.id)).status).toBe("completed");
    }

    const first: any = await client.callTool({ name: "list_videos", arguments: { limit: 2 } });
    expect(first.isError).toBeFalsy();
    // Newest first: the two made with create_video; their exports are not listed again as the library's.
    expect(first.structuredContent.videos.map((video: any) => video.id)).toEqual([made[1], made[0]]);
    expect(first.structuredContent.nextCursor).toEqual(expect.any(String));
    expect(text(first)).toContain(first.structuredContent.nextCursor);

    // A video started between two pages is newer than the cursor: the next page is as it was.
    const meanwhile = ((await client.callTool({ name: "create_video", arguments: { prompt: "a kite over a beach" } })) as any).structuredContent.id;
    const second: any = await client.callTool({ name: "list_videos", arguments: { limit: 2, after: first.structuredContent.nextCursor } });
    expect(second.structuredContent.videos.map((video: any) => video.id)).toEqual([fromChat]);
    expect(second.structuredContent.videos[0]).toMatchObject({ status: "completed", downloadUrl: expect.any(String) });
    expect(second.structuredContent.nextCursor).toBeNull();
    const all = [...first.structuredContent.videos, ...second.structuredContent.videos].map((video: any) => video.id);
    expect(new Set(all).size).toBe(3);

    // Without arguments: the newest page of 20, the new one first.
    const whole: any = await client.callTool({ name: "list_videos" });
    expect(whole.structuredContent.videos.map((video: any) => video.id)).toEqual([meanwhile, made[1], made[0], fromChat]);
    expect(whole.structuredContent.nextCursor).toBeNull();
    await client.callTool({ name: "cancel_video", arguments: { id: meanwhile } });
    await client.close();
  }, 60_000);

  it("a limit outside 1 to 100 and a cursor this server did not give are tool errors in words", async () => {
    const { key } = await newSession("en");
    const client = await connect(key);
    for (const limit of [0, 101, 1000]) {
      const refused: any = await client.callTool({ name: "list_videos", arguments: { limit } });
      expect(refused.isError, String(limit)).toBe(true);
      expect(text(refused)).toMatch(/limit is 1 to 100 videos a page/);
    }
    const forged: any = await client.callTool({ name: "list_videos", arguments: { after: "not-a-cursor" } });
    expect(forged.isError).toBe(true);
    expect(text(forged)).toMatch(/not a cursor this API gave/);
    await client.close();
  });
});
