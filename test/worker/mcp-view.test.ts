import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { fetchWorker, newVisitor, useEmulator } from "../helpers";

useEmulator();

const VIEW = "ui://promptreel/video";

async function connect() {
  const { key } = await newVisitor();
  const client = new Client({ name: "test", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(new StreamableHTTPClientTransport(new URL("http://localhost/mcp"), { fetch: fetchWorker, requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
  return client;
}

describe("the MCP Apps player view", () => {
  it("create_video and get_video name ui://promptreel/video, as MCP Apps and ChatGPT look for it", async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    for (const name of ["create_video", "get_video"]) {
      const meta = tools.find((tool) => tool.name === name)!._meta as any;
      expect(meta.ui.resourceUri, name).toBe(VIEW);
      expect(meta["openai/outputTemplate"], name).toBe(VIEW);
    }
    expect((tools.find((tool) => tool.name === "list_videos")!._meta as any)?.ui).toBeUndefined();
    await client.close();
  });

  it("reads as one small self-contained page, text/html;profile=mcp-app, whose CSP lets this deployment's MP4s and posters in", async () => {
    const client = await connect();
    const { resources } = await client.listResources();
    expect(resources).toContainEqual(expect.objectContaining({ uri: VIEW, mimeType: "text/html;profile=mcp-app" }));
    const { contents } = await client.readResource({ uri: VIEW });
    expect(contents).toHaveLength(1);
    const [page] = contents as [{ uri: string; mimeType: string; text: string; _meta: any }];
    expect(page.mimeType).toBe("text/html;profile=mcp-app");
    expect(page.text).toMatch(/^<!doctype html>/);
    expect(page.text).toContain("<video");
    expect(page.text).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import/);
    expect(page.text.length).toBeLessThan(12_000);
    expect(page._meta.ui.csp).toEqual({ resourceDomains: ["http://localhost"], connectDomains: [] });
    await client.close();
  });
});
