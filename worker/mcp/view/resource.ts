import { RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY, registerAppResource } from "@modelcontextprotocol/ext-apps/server";
import type { McpServer } from "@modelcontextprotocol/server";
import { VIEW_HTML } from "./page.gen";

/** The player view (MCP Apps): hosts that show a tool's own interface draw create_video's and get_video's with it. */
export const VIEW_URI = "ui://promptreel/video";

/** What create_video and get_video carry to name the view: MCP Apps' key, its older flat form, and ChatGPT's alias. */
export const VIEW_TOOL_META = { ui: { resourceUri: VIEW_URI }, [RESOURCE_URI_META_KEY]: VIEW_URI, "openai/outputTemplate": VIEW_URI };

/**
 * Serves the view on `server`. Its CSP lets it load the MP4 and the poster from this deployment (`origin`), where
 * the signed links point; everything else it needs (get_video, opening Download and Share) goes through the host.
 */
export function serveView(server: McpServer, origin: string): void {
  const ui = { csp: { resourceDomains: [origin], connectDomains: [] }, prefersBorder: true };
  const _meta = { ui, "openai/widgetCSP": { resource_domains: [origin], connect_domains: [] }, "openai/widgetPrefersBorder": true };
  registerAppResource(server, "PromptReel video", VIEW_URI, { description: "The video being made: its progress, then the player with Download and Share.", _meta }, async () => ({
    contents: [{ uri: VIEW_URI, mimeType: RESOURCE_MIME_TYPE, text: VIEW_HTML, _meta }],
  }));
}
