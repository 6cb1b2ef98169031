import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from "@modelcontextprotocol/client";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as TransportV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { beforeEach, describe, expect, it } from "vitest";
import { baseUrl, emulator, nextAddress } from "./helpers";

/**
 * /mcp on the real stack (vite dev, as `npm start` runs it), over real HTTP, from Node: the clients an agent's host
 * runs, with their own defaults (the 1.x client checks output schemas with ajv here), and the MCP Inspector's CLI.
 */
const MCP = new URL(`${baseUrl}/mcp`);
const TOOLS = ["cancel_video", "create_video", "edit_video", "get_credits", "get_video", "list_videos"];
const INSPECTOR = "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js";

beforeEach(() => emulator("reset"));

async function visitorKey(): Promise<string> {
  const answer = await fetch(`${baseUrl}/api/v1/visitors`, { method: "POST", headers: { "CF-Connecting-IP": nextAddress() } });
  return ((await answer.json()) as { key: string }).key;
}

/** Runs the Inspector's CLI mode, with a home and a catalog of its own (it writes nothing of the person's). */
function inspector(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), "promptreel-inspector-"));
  const child = spawn(process.execPath, [INSPECTOR, "--cli", ...args], {
    env: { ...process.env, HOME: home, MCP_CATALOG_PATH: join(home, "mcp.json") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

describe("the MCP Inspector's CLI", () => {
  it("lists the six tools, and finds nothing unportable in their schemas (--strict)", async () => {
    const key = await visitorKey();
    const { status, stdout, stderr } = await inspector([MCP.href, "--transport", "http", "--method", "tools/list", "--strict", "--header", `Authorization: Bearer ${key}`]);
    expect(status, stderr).toBe(0);
    const { tools } = JSON.parse(stdout) as { tools: { name: string; outputSchema?: object }[] };
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS);
    expect(tools.every((tool) => tool.outputSchema)).toBe(true);
  });

  it("without a key, is refused", async () => {
    const { status, stdout } = await inspector([MCP.href, "--transport", "http", "--method", "tools/list"]);
    expect(status).not.toBe(0);
    expect(stdout).not.toMatch(/create_video/);
  });
});

/** Either SDK's client, as a host would connect it, with the visitor key in every request. */
async function connect(sdk: "1.x" | "v2", key: string) {
  const requestInit = { headers: { Authorization: `Bearer ${key}` } };
  if (sdk === "1.x") {
    const client = new ClientV1({ name: "test", version: "1" });
    await client.connect(new TransportV1(MCP, { requestInit }));
    return client;
  }
  const client = new ClientV2({ name: "test", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(new TransportV2(MCP, { requestInit }));
  return client;
}

describe("the official clients over real HTTP", () => {
  it.each(["1.x", "v2"] as const)("SDK %s: a video is made, polled to completed, and its MP4 downloads from downloadUrl", async (sdk) => {
    const client = await connect(sdk, await visitorKey());
    const created = (await client.callTool({ name: "create_video", arguments: { prompt: "a fox running through a snowy forest" } })) as any;
    const { id } = created.structuredContent;
    let video: any;
    const deadline = Date.now() + 30_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      video = ((await client.callTool({ name: "get_video", arguments: { id } })) as any).structuredContent;
    } while (!["completed", "failed", "cancelled"].includes(video.status) && Date.now() < deadline);
    expect(video.status).toBe("completed");
    expect(video.downloadUrl.startsWith(`${baseUrl}/api/v1/exports/`)).toBe(true);
    const file = await fetch(video.downloadUrl);
    expect(file.status).toBe(200);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(Buffer.from(bytes.subarray(4, 8)).toString()).toBe("ftyp");
    expect(bytes.length).toBe(Number(file.headers.get("Content-Length")));
    await client.close();
  });
});
