import {
  auth,
  Client,
  exchangeAuthorization,
  type OAuthClientProvider,
  refreshAuthorization,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from "@modelcontextprotocol/client";
import type { BrowserContextOptions, Page } from "playwright-core";
import { beforeEach, describe, expect, it } from "vitest";
import { baseUrl, expectAccessible, resetEmulator, snap, useBrowser } from "./helpers";

/**
 * Signing in to /mcp as a host does it: the official MCP client, knowing only the server's address, finds the
 * authorization server from the 401, registers, and sends the person to the consent page, which Chromium shows
 * and answers; the page sends the browser back to the client's callback with a code, which the client trades.
 */
const MCP = new URL(`${baseUrl}/mcp`);
const CALLBACK = "http://127.0.0.1:8899/callback";
const open = useBrowser();

beforeEach(() => resetEmulator());

type Stored = Parameters<OAuthClientProvider["saveTokens"]>[0];
type Client_ = Parameters<NonNullable<OAuthClientProvider["saveClientInformation"]>>[0];

/** An OAuthClientProvider whose browser is a Chromium context: the consent page opens in it, and `answer` presses a button. */
class BrowserProvider implements OAuthClientProvider {
  client?: Client_;
  saved?: Stored;
  verifier = "";
  discovery?: Awaited<ReturnType<NonNullable<OAuthClientProvider["discoveryState"]>>>;
  page?: Page;
  callback?: URL;

  constructor(
    private readonly answer: (page: Page) => Promise<void>,
    private readonly context: BrowserContextOptions = {},
    private readonly existing?: Page,
  ) {}

  get redirectUrl() {
    return CALLBACK;
  }
  get clientMetadata() {
    return { client_name: "Browser Test Agent", redirect_uris: [CALLBACK], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(client: Client_) {
    this.client = client;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: Stored) {
    this.saved = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(state: NonNullable<BrowserProvider["discovery"]>) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  async redirectToAuthorization(url: URL) {
    const page = this.existing ?? (await open(`${baseUrl}/api/v1/health`, this.context));
    this.page = page;
    // The client's callback is a local server in a real host; here the browser's arrival there is caught.
    await page.context().route(`${CALLBACK}**`, (route) => {
      this.callback = new URL(route.request().url());
      return route.fulfill({ status: 200, contentType: "text/plain", body: "signed in" });
    });
    await page.goto(url.href);
    await page.locator(".consent button").first().waitFor();
    await this.answer(page);
    await expect.poll(() => this.callback, { timeout: 10_000 }).toBeDefined();
  }
}

/** Connects as a host does: refused at first (the sign-in runs), then finished with the callback's code. */
async function signIn(provider: BrowserProvider) {
  const first = new Client({ name: "browser-test", version: "1" });
  await expect(first.connect(new StreamableHTTPClientTransport(MCP, { authProvider: provider }))).rejects.toBeInstanceOf(UnauthorizedError);
  const transport = new StreamableHTTPClientTransport(MCP, { authProvider: provider });
  await transport.finishAuth(provider.callback!.searchParams);
  const client = new Client({ name: "browser-test", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(MCP, { authProvider: provider }));
  return client;
}

const allow = async (page: Page) => {
  await snap(page, "consent");
  await expectAccessible(page, "consent");
  await page.getByRole("button", { name: "Allow" }).click();
};

const bearerStatus = async (token: string) =>
  (await fetch(MCP, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) })).status;

describe("signing in to /mcp with OAuth, through the consent page", () => {
  it("discovery from the 401, registration, Allow (which makes this browser's visitor), the token on /mcp; its video shows under My videos; refresh; Disconnect → 401", async () => {
    const provider = new BrowserProvider(async (page) => {
      await page.getByRole("heading", { name: "Let Browser Test Agent use PromptReel?" }).waitFor();
      expect(await page.locator(".consent-host").textContent()).toBe("127.0.0.1");
      expect(await page.locator(".consent").textContent()).toMatch(/spend this browser's credits/);
      await allow(page);
    });
    const client = await signIn(provider);
    expect(provider.callback!.searchParams.get("code")).toBeTruthy();
    expect(provider.saved?.refresh_token).toBeTruthy();

    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("create_video");
    const made: any = await client.callTool({ name: "create_video", arguments: { prompt: "a paper boat on a pond" } });
    const id = made.structuredContent.id;
    await expect
      .poll(async () => ((await client.callTool({ name: "get_video", arguments: { id } })) as any).structuredContent.status, { timeout: 40_000, interval: 300 })
      .toBe("completed");

    // The browser that pressed Allow is the visitor: the agent's video is in its library, and the app is listed.
    const page = provider.page!;
    await page.goto(`${baseUrl}/videos`);
    await page.locator(".video-card").first().waitFor({ timeout: 30_000 });
    await page.getByRole("heading", { name: "Apps signed in" }).waitFor();
    expect(await page.locator(".connected-apps li").textContent()).toMatch(/Browser Test Agent/);
    await snap(page, "connected-apps");

    // Refresh: a new access token, which works.
    const metadata = await (await fetch(`${baseUrl}/.well-known/oauth-authorization-server`)).json();
    const refreshed = await refreshAuthorization(baseUrl, { metadata, clientInformation: provider.client!, refreshToken: provider.saved!.refresh_token!, resource: MCP });
    expect(refreshed.access_token).not.toBe(provider.saved!.access_token);
    expect(await bearerStatus(refreshed.access_token)).toBe(200);

    await page.getByRole("button", { name: "Disconnect" }).click();
    await page.getByText("Browser Test Agent is disconnected.").waitFor();
    expect(await bearerStatus(refreshed.access_token)).toBe(401);
    await page.context().close();
  });

  it("a code traded a second time is refused, and the grant it made is revoked: its tokens 401, no refresh", async () => {
    const provider = new BrowserProvider(allow);
    await signIn(provider);
    expect(await bearerStatus(provider.saved!.access_token)).toBe(200);
    const metadata = await (await fetch(`${baseUrl}/.well-known/oauth-authorization-server`)).json();
    const code = provider.callback!.searchParams.get("code")!;
    const iss = provider.callback!.searchParams.get("iss") ?? undefined;
    await expect(
      exchangeAuthorization(baseUrl, { metadata, clientInformation: provider.client!, authorizationCode: code, iss, codeVerifier: provider.verifier, redirectUri: CALLBACK, resource: MCP }),
    ).rejects.toThrow(/already used/i);
    // As RFC 6749 asks of a code used twice: what it gave is taken back.
    expect(await bearerStatus(provider.saved!.access_token)).toBe(401);
    await expect(
      refreshAuthorization(baseUrl, { metadata, clientInformation: provider.client!, refreshToken: provider.saved!.refresh_token!, resource: MCP }),
    ).rejects.toThrow(/grant/i);
    await provider.page!.context().close();
  });

  it("two browsers that each pressed Allow are two visitors: one's token sees nothing of the other's videos", async () => {
    const first = new BrowserProvider(allow);
    const second = new BrowserProvider(allow);
    const [one, other] = [await signIn(first), await signIn(second)];
    const made: any = await one.callTool({ name: "create_video", arguments: { prompt: "a lighthouse at dusk" } });
    const id = made.structuredContent.id;
    expect(((await one.callTool({ name: "list_videos", arguments: {} })) as any).structuredContent.videos.map((video: { id: string }) => video.id)).toContain(id);
    expect(((await other.callTool({ name: "list_videos", arguments: {} })) as any).structuredContent.videos).toEqual([]);
    const asked: any = await other.callTool({ name: "get_video", arguments: { id } });
    expect(asked.isError).toBe(true);
    expect(asked.content[0].text).toMatch(/not found/i);
    await one.callTool({ name: "cancel_video", arguments: { id } });
    await first.page!.context().close();
    await second.page!.context().close();
  });

  it("Deny sends the client back with access_denied, and no token", async () => {
    const provider = new BrowserProvider((page) => page.getByRole("button", { name: "Deny" }).click());
    await expect(new Client({ name: "browser-test", version: "1" }).connect(new StreamableHTTPClientTransport(MCP, { authProvider: provider }))).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.callback!.searchParams.get("error")).toBe("access_denied");
    expect(provider.callback!.searchParams.has("code")).toBe(false);
    expect(provider.saved).toBeUndefined();
    await provider.page!.context().close();
  });

  it("a request right after a 401 (of /mcp or the API) is answered: the refused request's body is read, so its connection carries the next", async () => {
    const key = ((await (await fetch(`${baseUrl}/api/v1/visitors`, { method: "POST" })).json()) as { key: string }).key;
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    const statuses = new Set<string>();
    for (let pair = 0; pair < 200; pair++) {
      const refused = await fetch(pair % 2 ? MCP : `${baseUrl}/api/v1/sessions`, { method: "POST", headers, body });
      await refused.text();
      const next = await fetch(MCP, { method: "POST", headers: { ...headers, Authorization: `Bearer ${key}` }, body });
      await next.text();
      statuses.add(`${refused.status} then ${next.status}`);
    }
    expect([...statuses]).toEqual(["401 then 200"]);
  });

  it("the consent page in Chinese, for a browser that asks for it", async () => {
    const provider = new BrowserProvider(
      async (page) => {
        await page.getByRole("heading", { name: "允许 Browser Test Agent 使用 PromptReel？" }).waitFor();
        expect(await page.locator(".consent").textContent()).toMatch(/使用此浏览器的积分/);
        await snap(page, "consent-zh");
        await page.getByRole("button", { name: "允许" }).click();
      },
      { locale: "zh-CN" },
    );
    const result = await auth(provider, { serverUrl: MCP });
    expect(result).toBe("REDIRECT");
    expect(provider.callback!.searchParams.get("code")).toBeTruthy();
    await provider.page!.context().close();
  });
});
