import { createServer, type Server } from "node:http";
import { build } from "esbuild";
import { freePorts } from "./stack";

/**
 * A small MCP Apps host for the tests, on a port of its own, built as the ext-apps reference host (basic-host) is:
 * the host page on http://localhost:<port> (mcp-host-page.ts, bundled with AppBridge and the official MCP client),
 * and the sandbox proxy on another origin, http://127.0.0.1:<port>/sandbox.html. The proxy's inner iframe
 * (`allow-scripts allow-same-origin`, so it has the proxy's origin) gets the view's HTML; the CSP built from the
 * view's `_meta.ui.csp` is the proxy page's response header, which the inner document inherits.
 *
 * Two origins, as MCP Apps asks of hosts (the host's and the sandbox's must differ). An earlier attempt found the
 * MP4 ended `net::ERR_FAILED` in a one-level frame of the null origin (`sandbox="allow-scripts"`), blamed on
 * Chromium's Local Network Access refusing it the loopback address; with Debian's Chromium 156 here that did not
 * happen again (a one-level srcdoc frame with `allow-scripts` alone played the same MP4), so no Chromium flag is
 * needed either way.
 */

/** MCP Apps' CSP fields, as the view's `_meta.ui.csp` declares them. */
interface ViewCsp {
  resourceDomains?: string[];
  connectDomains?: string[];
  frameDomains?: string[];
  baseUriDomains?: string[];
}

/** Only plain origins: nothing that could end a directive or add a keyword. */
const origins = (list: string[] | undefined) => (list ?? []).filter((entry) => /^https?:\/\/[^\s;'",]+$/.test(entry)).join(" ");

/**
 * The view's Content-Security-Policy: its own inline script and style, the MP4s, posters and other resources from
 * `resourceDomains`, connections only to `connectDomains`, nothing else (no 'self': the view needs nothing of the
 * proxy's origin).
 */
export function viewCsp(csp: ViewCsp = {}): string {
  const resources = origins(csp.resourceDomains);
  const connect = origins(csp.connectDomains);
  return [
    "default-src 'none'",
    `script-src 'unsafe-inline' ${resources}`,
    `style-src 'unsafe-inline' ${resources}`,
    `img-src data: blob: ${resources}`,
    `media-src data: blob: ${resources}`,
    `font-src data: ${resources}`,
    `connect-src ${connect || "'none'"}`,
    `frame-src ${origins(csp.frameDomains) || "'none'"}`,
    `base-uri ${origins(csp.baseUriDomains) || "'none'"}`,
    "object-src 'none'",
  ]
    .map((directive) => directive.trim())
    .join("; ");
}

const HOST_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Test host</title>
<style>
  body { margin: 0; font-family: system-ui, sans-serif; background: #f4f4f5; color: #18181b; }
  body.dark { background: #09090b; color: #fafafa; }
  main { max-width: 760px; margin: 0 auto; padding: 16px; display: grid; gap: 12px; }
  iframe { width: 100%; height: 160px; border: 1px solid #a1a1aa; border-radius: 12px; background: transparent; }
</style></head>
<body><main><h1>Test host</h1><div id="views"></div></main><script type="module" src="/host.js"></script></body>
</html>`;

/**
 * The sandbox proxy: it loads the view's HTML into its inner iframe when the host sends it
 * (`ui/notifications/sandbox-resource-ready`), and relays every other message both ways, only with its host.
 */
const SANDBOX_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox</title>
<style>html, body { margin: 0; height: 100%; } iframe { width: 100%; height: 100%; border: 0; display: block; }</style></head>
<body><script>
  const host = new URL(document.referrer).origin;
  const inner = document.createElement("iframe");
  inner.setAttribute("sandbox", "allow-scripts allow-same-origin");
  inner.title = "PromptReel video";
  document.body.appendChild(inner);
  addEventListener("message", ({ source, origin, data }) => {
    if (source === parent && origin === host) {
      if (data?.method !== "ui/notifications/sandbox-resource-ready") return inner.contentWindow.postMessage(data, "*");
      const page = inner.contentDocument;
      page.open();
      page.write(data.params.html);
      page.close();
    } else if (source === inner.contentWindow) parent.postMessage(data, host);
  });
  parent.postMessage({ jsonrpc: "2.0", method: "ui/notifications/sandbox-proxy-ready", params: {} }, host);
</script></body></html>`;

/** Starts the host; `hostUrl` is its page, `sandboxUrl` the proxy on the other origin. */
export async function startHost(): Promise<{ hostUrl: string; sandboxUrl: string; close: () => Promise<void> }> {
  const bundle = await build({
    entryPoints: [new URL("./mcp-host-page.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
  });
  const script = bundle.outputFiles[0].text;
  const [port] = await freePorts(1, 8800, 8850);
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", `http://${request.headers.host}`);
    if (url.pathname === "/" && url.hostname === "localhost") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(HOST_PAGE);
    } else if (url.pathname === "/host.js" && url.hostname === "localhost") {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script);
    } else if (url.pathname === "/sandbox.html" && url.hostname === "127.0.0.1") {
      const csp = viewCsp(JSON.parse(url.searchParams.get("csp") ?? "{}") as ViewCsp);
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": csp }).end(SANDBOX_PAGE);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    hostUrl: `http://localhost:${port}/`,
    sandboxUrl: `http://127.0.0.1:${port}/sandbox.html`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
