import { Client } from "@modelcontextprotocol/client";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { call, emulator, fetchWorker, newVisitor, useEmulator } from "../helpers";

useEmulator();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sessionsOpened = async () => (await emulator.requests()).filter((r) => r.method === "POST" && r.path.startsWith("/api/tasks/me/with-session")).length;

async function connect(key: string) {
  const client = new Client({ name: "test", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL("http://localhost/mcp"), { fetch: fetchWorker, requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
  return client;
}

async function completed(key: string, id: string) {
  const deadline = Date.now() + 12_000;
  while ((await call(`/generations/${id}`, { key })).body.status !== "completed" && Date.now() < deadline) await sleep(50);
}

describe("MCP create_video and edit_video with an idempotencyKey: a retried call makes one video", () => {
  it("the same key twice is one generation, answered alike; another prompt with it is refused; another visitor's same key is its own", async () => {
    const { key } = await newVisitor();
    const client = await connect(key);
    const ask = { name: "create_video", arguments: { prompt: "a paper boat on a pond", idempotencyKey: "boat-1" } };
    const first: any = await client.callTool(ask);
    const again: any = await client.callTool(ask);
    expect(first.isError).toBeFalsy();
    expect(again.structuredContent).toEqual(first.structuredContent);
    expect((await call("/generations", { key })).body.generations).toHaveLength(1);
    await completed(key, first.structuredContent.id);
    expect(await sessionsOpened()).toBe(1);

    const other: any = await client.callTool({ name: "create_video", arguments: { prompt: "a red kite", idempotencyKey: "boat-1" } });
    expect(other.isError).toBe(true);
    expect(JSON.stringify(other.content)).toMatch(/already used for another request/);

    const edit = { name: "edit_video", arguments: { id: first.structuredContent.id, prompt: "make the sky purple", idempotencyKey: "edit-1" } };
    const edited: any = await client.callTool(edit);
    const editedAgain: any = await client.callTool(edit);
    expect(edited.isError, JSON.stringify(edited.content)).toBeFalsy();
    expect(editedAgain.structuredContent.id).toBe(edited.structuredContent.id);
    expect((await call("/generations", { key })).body.generations).toHaveLength(2);
    await completed(key, edited.structuredContent.id);
    await client.close();

    const stranger = (await newVisitor()).key;
    const theirs: any = await (await connect(stranger)).callTool(ask);
    expect(theirs.structuredContent.id).not.toBe(first.structuredContent.id);
  });
});
