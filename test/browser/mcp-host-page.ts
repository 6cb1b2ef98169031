/**
 * The browser side of the test host (test/browser/mcp-host.ts bundles it): a host of MCP Apps as the ext-apps
 * reference host (examples/basic-host) is built. The official MCP client talks to /mcp; each tool call that names a
 * view gets an iframe of the sandbox proxy (another origin), an `AppBridge` over `PostMessageTransport` to it, the
 * view's HTML with its CSP, then the tool's input and result. The bridge forwards the view's `tools/call` to the
 * client; `ui/open-link` is recorded, not opened. The test drives it through `window.host`.
 */
import { AppBridge, getToolUiResourceUri, PostMessageTransport, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/app-bridge";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

type Theme = "light" | "dark";
interface View {
  bridge: AppBridge;
  iframe: HTMLIFrameElement;
  /** The tool's result, as the host sent it to the view. */
  result: { structuredContent?: Record<string, unknown> };
  /** The view's `_meta.ui.csp`, as the host applied it. */
  csp?: Csp;
}
type Csp = { resourceDomains?: string[]; connectDomains?: string[] };

const HOST = { name: "PromptReel test host", version: "1.0.0" };
let client: Client;
let sandboxUrl: string;
const views: View[] = [];
/** Every `ui/open-link` the views asked for, in order. */
const links: string[] = [];

async function connect(mcpUrl: string, key: string, sandbox: string) {
  sandboxUrl = sandbox;
  client = new Client(HOST);
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
}

/** The sandbox proxy in a new iframe, with the view's CSP in its address (the proxy serves it as a header). */
function loadSandbox(csp: unknown): Promise<HTMLIFrameElement> {
  const iframe = document.createElement("iframe");
  iframe.title = "PromptReel video";
  iframe.setAttribute("sandbox", "allow-scripts allow-same-origin");
  const ready = new Promise<HTMLIFrameElement>((resolve) => {
    const listener = ({ source, data }: MessageEvent) => {
      if (source !== iframe.contentWindow || data?.method !== "ui/notifications/sandbox-proxy-ready") return;
      window.removeEventListener("message", listener);
      resolve(iframe);
    };
    window.addEventListener("message", listener);
  });
  const url = new URL(sandboxUrl);
  url.searchParams.set("csp", JSON.stringify(csp ?? {}));
  iframe.src = url.href;
  document.getElementById("views")!.appendChild(iframe);
  return ready;
}

/** Calls a tool as a model would, and shows its answer in the view the tool names. Resolves once the result is sent. */
async function show(name: string, args: Record<string, unknown>, theme: Theme): Promise<number> {
  const { tools } = await client.listTools();
  const tool = tools.find((each) => each.name === name);
  const uri = tool && getToolUiResourceUri(tool);
  if (!uri) throw new Error(`${name} names no view`);
  const answer = client.callTool({ name, arguments: args });
  const { contents } = await client.readResource({ uri });
  const [content] = contents;
  if (contents.length !== 1 || content.mimeType !== RESOURCE_MIME_TYPE || !("text" in content)) throw new Error(`${uri} is not one MCP Apps page`);
  const csp = (content._meta?.ui as { csp?: Csp } | undefined)?.csp;
  const iframe = await loadSandbox(csp);
  const capabilities = client.getServerCapabilities();
  const bridge = new AppBridge(client, HOST, { openLinks: {}, serverTools: capabilities?.tools, serverResources: capabilities?.resources }, { hostContext: { theme, displayMode: "inline" } });
  bridge.onopenlink = async ({ url }) => {
    links.push(url);
    return {};
  };
  bridge.onsizechange = async ({ height }) => {
    if (height !== undefined) iframe.style.height = `${height}px`;
  };
  const initialized = new Promise<void>((resolve) => bridge.addEventListener("initialized", () => resolve()));
  await bridge.connect(new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!));
  await bridge.sendSandboxResourceReady({ html: content.text, csp });
  await initialized;
  await bridge.sendToolInput({ arguments: args });
  const result = (await answer) as View["result"];
  await bridge.sendToolResult(result as Parameters<AppBridge["sendToolResult"]>[0]);
  views.push({ bridge, iframe, result, csp });
  return views.length - 1;
}

const setTheme = (view: number, theme: Theme) => views[view].bridge.setHostContext({ theme, displayMode: "inline" });
const result = (view: number) => views[view].result;
const csp = (view: number) => views[view].csp;

const host = { connect, show, setTheme, result, csp, links };
export type Host = typeof host;
(window as unknown as { host: Host }).host = host;
