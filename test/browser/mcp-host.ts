/**
 * A host of MCP Apps for the view test, in the page: the official client on PromptReel's /mcp, and ext-apps'
 * AppBridge to the view, which runs in a sandboxed iframe under the CSP its resource declares (as hosts build it).
 * Bundled by esbuild in test/browser/mcp-view.test.ts.
 */
import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

interface Csp {
  resourceDomains?: string[];
  connectDomains?: string[];
}

/** The CSP of MCP Apps' sandbox: nothing from anywhere but what the resource names. */
const policy = ({ resourceDomains = [], connectDomains = [] }: Csp) =>
  [
    "default-src 'none'",
    "script-src 'unsafe-inline'",
    "style-src 'unsafe-inline'",
    `img-src data: ${resourceDomains.join(" ")}`,
    `media-src ${resourceDomains.join(" ") || "'none'"}`,
    `connect-src ${connectDomains.join(" ") || "'none'"}`,
  ].join("; ");

const state = ((window as any).host = { openedLinks: [] as string[], ready: false, error: "" });

async function main() {
  const params = new URLSearchParams(location.search);
  const theme = params.get("theme") === "dark" ? "dark" : "light";
  document.body.style.background = theme === "dark" ? "#111" : "#f4f4f5";
  const client = new Client({ name: "test-host", version: "1" });
  const headers = { Authorization: `Bearer ${params.get("key")}` };
  await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", location.origin), { requestInit: { headers } }));
  const { tools } = await client.listTools();
  const uri = (tools.find((tool) => tool.name === "create_video")!._meta as any).ui.resourceUri as string;
  const { contents } = await client.readResource({ uri });
  const page = contents[0] as { text: string; _meta?: { ui?: { csp?: Csp } } };
  const csp = page._meta?.ui?.csp ?? {};

  const iframe = document.createElement("iframe");
  iframe.setAttribute("sandbox", "allow-scripts");
  iframe.title = "PromptReel";
  iframe.style.cssText = "width:100%;height:520px;border:0;display:block";
  document.body.append(iframe);
  const bridge = new AppBridge(client, { name: "test-host", version: "1" }, { openLinks: {}, serverTools: {}, sandbox: { csp } }, { hostContext: { theme } });
  bridge.onopenlink = async ({ url }) => {
    state.openedLinks.push(url);
    return {};
  };
  bridge.onsizechange = ({ height }) => {
    if (height) iframe.style.height = `${height}px`;
  };
  const prompt = params.get("prompt") ?? "a fox running through a snowy forest";
  bridge.oninitialized = async () => {
    await bridge.sendToolInput({ arguments: { prompt } });
    const result = await client.callTool({ name: "create_video", arguments: { prompt } });
    await bridge.sendToolResult(result as any);
    state.ready = true;
  };
  await bridge.connect(new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!));
  iframe.srcdoc = page.text.replace("<head>", `<head><meta http-equiv="Content-Security-Policy" content="${policy(csp)}">`);
}

main().catch((error) => (state.error = String(error?.stack ?? error)));
