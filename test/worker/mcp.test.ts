import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from "@modelcontextprotocol/client";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as TransportV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { describe, expect, it } from "vitest";
import { emulator, fetchWorker, newVisitor, useEmulator } from "../helpers";

useEmulator();

const MCP = new URL("http://localhost/mcp");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TOOLS = ["cancel_video", "create_video", "edit_video", "get_credits", "get_video", "list_videos"];
const FINAL = ["completed", "failed", "cancelled"];

/** What the tests ask of either SDK's client. */
interface McpClient {
  listTools(): Promise<{ tools: { name: string; inputSchema: any; outputSchema?: any }[] }>;
  callTool(request: { name: string; arguments?: Record<string, unknown> }): Promise<any>;
  close(): Promise<void>;
}

const auth = (key?: string): RequestInit => (key ? { headers: { Authorization: `Bearer ${key}` } } : {});

/** The official clients as an agent's host would run them, over Streamable HTTP to the Worker. */
const CLIENTS: Record<string, (key?: string) => Promise<McpClient>> = {
  "SDK v2, 2026-07-28 (stateless, no handshake)": async (key) => {
    const client = new ClientV2({ name: "test", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    await client.connect(new TransportV2(MCP, { fetch: fetchWorker, requestInit: auth(key) }));
    expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
    return client;
  },
  "SDK v2, initialize handshake": async (key) => {
    const client = new ClientV2({ name: "test", version: "1" });
    await client.connect(new TransportV2(MCP, { fetch: fetchWorker, requestInit: auth(key) }));
    expect(client.getNegotiatedProtocolVersion()).not.toBe("2026-07-28");
    return client;
  },
  // Workers refuse code generated from strings, so the 1.x client checks output schemas with cfworker, not ajv.
  "SDK 1.x, initialize handshake": async (key) => {
    const client = new ClientV1({ name: "test", version: "1" }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
    await client.connect(new TransportV1(MCP, { fetch: fetchWorker, requestInit: auth(key) }));
    return client as unknown as McpClient;
  },
};

/** Calls get_video until the video has ended. */
async function settled(client: McpClient, id: string, timeoutMs = 12_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await client.callTool({ name: "get_video", arguments: { id } });
    if (FINAL.includes(result.structuredContent?.status) || Date.now() > deadline) return result;
    await sleep(50);
  }
}

const text = (result: any) => result.content.find((block: any) => block.type === "text")?.text as string;

describe.each(Object.entries(CLIENTS))("%s", (_name, connect) => {
  it("without a key, or with one that is not valid, the connection is refused", async () => {
    await expect(connect()).rejects.toThrow(/401|unauthori[sz]ed/i);
    await expect(connect("not-a-key")).rejects.toThrow(/401|unauthori[sz]ed/i);
  });

  it("lists the six tools, each with an input schema and an output schema", async () => {
    const client = await connect((await newVisitor()).key);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
    }
    const create = tools.find((tool) => tool.name === "create_video")!;
    expect(create.inputSchema.required).toEqual(["prompt"]);
    expect(Object.keys(create.inputSchema.properties).sort()).toEqual(["aspectRatio", "idempotencyKey", "language", "lengthS", "prompt", "style"]);
    expect(create.inputSchema.properties.style.enum).toEqual(["cinematic", "animated", "watercolour", "documentary"]);
    expect(create.inputSchema.properties.aspectRatio.enum).toEqual(["16:9", "9:16", "1:1"]);
    expect(create.inputSchema.properties.lengthS.enum).toEqual([5, 10, 15]);
    expect(create.inputSchema.properties.prompt.description).toMatch(/plain words/);
    await client.close();
  });

  it("makes a video: create answers at once, get_video is polled to completed, and the MP4 downloads with no key", async () => {
    const client = await connect((await newVisitor()).key);
    const created = await client.callTool({ name: "create_video", arguments: { prompt: "a fox running through a snowy forest", aspectRatio: "9:16" } });
    expect(created.isError).toBeFalsy();
    // The tests' NemoVideo is the emulator, as under npm start: every answer says its videos are sample clips.
    expect(created.structuredContent).toEqual({ id: expect.stringMatching(/^gen_[0-9a-f]{16}$/), status: "queued", sampleClip: true });
    expect(text(created)).toMatch(/get_video/);
    expect(text(created)).toMatch(/sample clips, not made from the prompt/);
    const { id } = created.structuredContent;
    const done = await settled(client, id);
    expect(done.structuredContent).toMatchObject({ id, status: "completed", prompt: "a fox running through a snowy forest, 9:16 vertical", sampleClip: true });
    expect(text(done)).toMatch(/is ready\. .* sample clips, not made from the prompt/);
    const { downloadUrl } = done.structuredContent;
    expect(downloadUrl).toMatch(/^http:\/\/localhost\/api\/v1\/exports\/exp_[0-9a-f]{16}\/download\?.*sig=/);
    expect(done.content).toContainEqual(expect.objectContaining({ type: "resource_link", uri: downloadUrl, mimeType: "video/mp4" }));
    expect(text(done)).toContain(downloadUrl);
    const file = await fetchWorker(downloadUrl);
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Type")).toBe("video/mp4");
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe("ftyp");
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(bytes.length).toBe(Number(file.headers.get("Content-Length")));
    const listed = await client.callTool({ name: "list_videos" });
    expect(listed.structuredContent.videos).toEqual([expect.objectContaining({ id, status: "completed", downloadUrl: expect.any(String), sampleClip: true })]);
    expect(text(listed)).toMatch(new RegExp(`^${id} \\(completed, sample clip\\): `));
    await client.close();
  });

  it("cancels a running video: it ends cancelled and nothing is exported", async () => {
    const client = await connect((await newVisitor()).key);
    const { structuredContent: started } = await client.callTool({ name: "create_video", arguments: { prompt: "a lighthouse at dusk" } });
    const cancelled = await client.callTool({ name: "cancel_video", arguments: { id: started.id } });
    expect(cancelled.isError).toBeFalsy();
    expect(cancelled.structuredContent).toMatchObject({ id: started.id, status: "cancelled" });
    expect(text(cancelled)).toMatch(/cancelled/);
    await sleep(1500);
    expect((await client.callTool({ name: "get_video", arguments: { id: started.id } })).structuredContent.status).toBe("cancelled");
    expect((await emulator.requests()).some((r) => r.method === "POST" && r.path === "/api/render/proxy/lambda")).toBe(false);
    await client.close();
  });

  it("another visitor's video is a tool error, not found, for every tool that takes an id", async () => {
    const owner = await connect((await newVisitor()).key);
    const { structuredContent: started } = await owner.callTool({ name: "create_video", arguments: { prompt: "a lighthouse at dusk" } });
    const stranger = await connect((await newVisitor()).key);
    for (const name of ["get_video", "cancel_video", "edit_video"]) {
      const refused = await stranger.callTool({ name, arguments: { id: started.id, ...(name === "edit_video" ? { prompt: "make it purple" } : {}) } });
      expect(refused.isError, name).toBe(true);
      expect(text(refused), name).toMatch(/not found/);
    }
    expect((await stranger.callTool({ name: "list_videos" })).structuredContent.videos).toEqual([]);
    expect((await settled(owner, started.id)).structuredContent.status).toBe("completed");
    await owner.close();
    await stranger.close();
  });
});

describe("the rest, with the 2026-07-28 client", () => {
  const connect = CLIENTS["SDK v2, 2026-07-28 (stateless, no handshake)"];

  it("a refused key is answered 401 with RFC 9728's challenge (and RFC 6750's error for a refused one), on every method; a browser's preflight passes", async () => {
    for (const method of ["POST", "GET", "DELETE"]) {
      const none = await fetchWorker(MCP, { method, headers: { "Content-Type": "application/json" }, body: method === "POST" ? "{}" : undefined });
      expect(none.status, method).toBe(401);
      expect(none.headers.get("WWW-Authenticate"), method).toBe('Bearer resource_metadata="http://localhost/.well-known/oauth-protected-resource"');
      expect(((await none.json()) as any).error).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/POST \/api\/v1\/visitors/) });
    }
    const bad = await fetchWorker(MCP, { method: "POST", headers: { Authorization: "Bearer nope" }, body: "{}" });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("WWW-Authenticate")).toMatch(/^Bearer resource_metadata="http:\/\/localhost\/.well-known\/oauth-protected-resource", error="invalid_token"/);
    const preflight = await fetchWorker(MCP, { method: "OPTIONS", headers: { Origin: "http://localhost:6274", "Access-Control-Request-Method": "POST" } });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/);
  });

  it("edit_video changes a finished video in its project; the new one is polled like any other", async () => {
    const client = await connect((await newVisitor()).key);
    const { structuredContent: first } = await client.callTool({ name: "create_video", arguments: { prompt: "a fox running through a snowy forest" } });
    expect((await settled(client, first.id)).structuredContent.status).toBe("completed");
    const edited = await client.callTool({ name: "edit_video", arguments: { id: first.id, prompt: "make the sky a deep purple", lengthS: 10 } });
    expect(edited.structuredContent).toEqual({ id: expect.stringMatching(/^gen_/), status: "queued", sampleClip: true });
    expect(edited.structuredContent.id).not.toBe(first.id);
    const done = await settled(client, edited.structuredContent.id);
    expect(done.structuredContent).toMatchObject({ status: "completed", editOf: first.id, prompt: "make the sky a deep purple, 10 seconds" });
    const busy = await client.callTool({ name: "create_video", arguments: { prompt: "a lighthouse" } });
    const again = await client.callTool({ name: "edit_video", arguments: { id: busy.structuredContent.id, prompt: "make it purple" } });
    expect(again.isError).toBe(true);
    expect(text(again)).toMatch(/still being made/);
    await client.close();
  });

  it("refusals are tool errors in the API's words: a fourth video while three are on their way; bad input changes nothing", async () => {
    const client = await connect((await newVisitor()).key);
    const started: string[] = [];
    for (let i = 0; i < 3; i++)
      started.push((await client.callTool({ name: "create_video", arguments: { prompt: `a lighthouse, take ${i}` } })).structuredContent.id);
    const fourth = await client.callTool({ name: "create_video", arguments: { prompt: "one more" } });
    expect(fourth.isError).toBe(true);
    expect(text(fourth)).toMatch(/already have 3 generations on their way/);
    for (const args of [{ prompt: "a fox", aspectRatio: "4:3" }, { prompt: " " }, { prompt: "a fox", lengthS: 7 }]) {
      const refused = await client.callTool({ name: "create_video", arguments: args });
      expect(refused.isError, JSON.stringify(args)).toBe(true);
      expect(text(refused)).toMatch(/^Input validation error/);
    }
    const invalidId = await client.callTool({ name: "get_video", arguments: { id: "42" } });
    expect(invalidId.isError).toBe(true);
    expect(text(invalidId)).toMatch(/gen_ or exp_ followed by 16 hex digits/);
    expect((await client.callTool({ name: "list_videos" })).structuredContent.videos).toHaveLength(3);
    for (const id of started) await client.callTool({ name: "cancel_video", arguments: { id } }); // nothing runs on into the next test
    await client.close();
  });

  it("get_credits answers the balance; cancel_video of a finished video says there was nothing to cancel", async () => {
    const client = await connect((await newVisitor()).key);
    const credits = await client.callTool({ name: "get_credits" });
    expect(credits.structuredContent).toEqual({ available: expect.any(Number), frozen: expect.any(Number), total: expect.any(Number) });
    expect(text(credits)).toMatch(/credits available/);
    const { structuredContent: started } = await client.callTool({ name: "create_video", arguments: { prompt: "a lighthouse at dusk" } });
    await settled(client, started.id);
    const late = await client.callTool({ name: "cancel_video", arguments: { id: started.id } });
    expect(late.structuredContent.status).toBe("completed");
    expect(text(late)).toMatch(/already ended/);
    await client.close();
  });
});
