import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { call, fetchWorker, newVisitor, useEmulator } from "../helpers";

useEmulator();

const ORIGIN = "http://localhost";
const MCP = `${ORIGIN}/mcp`;
const CALLBACK = "http://127.0.0.1:7777/callback";

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

async function pkce() {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  return { verifier, challenge };
}

/** A public client registered as an MCP host registers (RFC 7591). */
async function register(name = "Test Agent"): Promise<string> {
  const answer = await fetchWorker(`${ORIGIN}/oauth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: name, redirect_uris: [CALLBACK], token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] }),
  });
  expect(answer.status).toBe(201);
  return ((await answer.json()) as any).client_id;
}

/** GET /authorize as a browser opens it: the library checks it and sends the browser on to the consent page. */
async function authorize(clientId: string, challenge: string, method = "S256") {
  const query = new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: CALLBACK, code_challenge: challenge, code_challenge_method: method, state: "st-1", resource: MCP });
  return fetchWorker(`${ORIGIN}/authorize?${query}`, { redirect: "manual" });
}

async function consentHandle(clientId: string, challenge: string): Promise<string> {
  const answer = await authorize(clientId, challenge);
  expect(answer.status).toBe(302);
  const next = new URL(answer.headers.get("Location")!, ORIGIN);
  expect(next.pathname).toBe("/authorize");
  return next.searchParams.get("consent")!;
}

const token = (form: Record<string, string>) =>
  fetchWorker(`${ORIGIN}/oauth/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });

/** The whole code flow with PKCE, Allow pressed by the visitor whose key this is: the token response. */
async function signIn(key: string, name?: string) {
  const clientId = await register(name);
  const { verifier, challenge } = await pkce();
  const handle = await consentHandle(clientId, challenge);
  const allowed = await call(`/consents/${handle}/allow`, { method: "POST", key });
  expect(allowed.status).toBe(200);
  const back = new URL(allowed.body.redirectTo);
  expect(back.origin + back.pathname).toBe(CALLBACK);
  expect(back.searchParams.get("state")).toBe("st-1");
  const code = back.searchParams.get("code")!;
  const form = { grant_type: "authorization_code", code, redirect_uri: CALLBACK, client_id: clientId, code_verifier: verifier, resource: MCP };
  const answer = await token(form);
  expect(answer.status).toBe(200);
  return { clientId, form, tokens: (await answer.json()) as any, handle };
}

async function mcpClient(bearer: string) {
  const client = new Client({ name: "test", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(MCP), { fetch: fetchWorker, requestInit: { headers: { Authorization: `Bearer ${bearer}` } } }));
  return client;
}

const listVideos = async (bearer: string) => ((await (await mcpClient(bearer)).callTool({ name: "list_videos" })) as any).structuredContent.videos as { id: string }[];
const mcpStatus = async (bearer: string) =>
  (await fetchWorker(MCP, { method: "POST", headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) })).status;

describe("signing in to /mcp with OAuth 2.1", () => {
  it("without a token: 401 naming the protected-resource document, which names /mcp and this server, whose metadata lists the endpoints and S256 only", async () => {
    const refused = await fetchWorker(MCP, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toBe(`Bearer resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource"`);
    expect(refused.headers.get("Access-Control-Expose-Headers")).toMatch(/WWW-Authenticate/);
    expect(((await refused.json()) as any).error.code).toBe("unauthorized");

    const resource = await fetchWorker(`${ORIGIN}/.well-known/oauth-protected-resource`);
    expect(resource.status).toBe(200);
    expect(await resource.json()).toMatchObject({ resource: MCP, authorization_servers: [ORIGIN] });

    const server = (await (await fetchWorker(`${ORIGIN}/.well-known/oauth-authorization-server`)).json()) as any;
    expect(server).toMatchObject({
      issuer: ORIGIN,
      authorization_endpoint: `${ORIGIN}/authorize`,
      token_endpoint: `${ORIGIN}/oauth/token`,
      registration_endpoint: `${ORIGIN}/oauth/register`,
      revocation_endpoint: `${ORIGIN}/oauth/token`,
      code_challenge_methods_supported: ["S256"],
    });
    expect(server.grant_types_supported).toContain("refresh_token");
    // Client ID Metadata Documents: advertised only with the global_fetch_strictly_public flag (wrangler.toml).
    expect(server.client_id_metadata_document_supported).toBe(true);
  });

  it("other well-known addresses answer 404 JSON, not the page", async () => {
    for (const path of ["/.well-known/unknown", "/.well-known/oauth-protected-resource/elsewhere"]) {
      const answer = await fetchWorker(`${ORIGIN}${path}`);
      expect(answer.status, path).toBe(404);
      expect(((await answer.json()) as any).error.code, path).toBe("not_found");
    }
  });

  it("the consent page: /authorize is checked, held under a handle, and served framed by this origin only; the API shows the request", async () => {
    const clientId = await register("Kite Agent");
    const { challenge } = await pkce();
    const handle = await consentHandle(clientId, challenge);
    expect(handle).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const page = await fetchWorker(`${ORIGIN}/authorize?consent=${handle}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Security-Policy")).toMatch(/frame-ancestors 'self'(;|$)/);
    const shown = await call(`/consents/${handle}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ client: { name: "Kite Agent" }, redirectHost: "127.0.0.1", local: true });
    expect((await call("/consents/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
  });

  it("the full code flow: the token works on /mcp as the visitor who allowed it (its videos), refreshes, and a revoked token gets 401", async () => {
    const visitor = await newVisitor();
    const made = await call("/generations", { method: "POST", key: visitor.key, json: { prompt: "a paper boat on a pond" } });
    expect(made.status).toBe(202);
    const { tokens, clientId, form } = await signIn(visitor.key);
    expect(tokens).toMatchObject({ token_type: "bearer", access_token: expect.any(String), refresh_token: expect.any(String) });

    const client = await mcpClient(tokens.access_token);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("list_videos");
    expect((await listVideos(tokens.access_token)).map((video) => video.id)).toEqual([made.body.generationId]);

    const refreshed = await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: clientId });
    expect(refreshed.status).toBe(200);
    const fresh = (await refreshed.json()) as any;
    expect(fresh.access_token).not.toBe(tokens.access_token);
    expect((await listVideos(fresh.access_token)).map((video) => video.id)).toEqual([made.body.generationId]);

    const revoked = await fetchWorker(`${ORIGIN}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: fresh.access_token, client_id: clientId }),
    });
    expect(revoked.status).toBe(200);
    expect(await mcpStatus(fresh.access_token)).toBe(401);

    // The code works once.
    expect((await token(form)).status).toBe(400);
  });

  it("another visitor's token sees only that visitor's videos", async () => {
    const owner = await newVisitor();
    await call("/generations", { method: "POST", key: owner.key, json: { prompt: "a lighthouse at dusk" } });
    const stranger = await newVisitor();
    const { tokens } = await signIn(stranger.key);
    expect(await listVideos(tokens.access_token)).toEqual([]);
  });

  it("a token is bound to this origin's /mcp (RFC 8707): at another address of the same Worker it is refused; a visitor key is not", async () => {
    const visitor = await newVisitor();
    const { tokens } = await signIn(visitor.key);
    const ask = (url: string, bearer: string) =>
      fetchWorker(url, { method: "POST", headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) });
    const elsewhere = await ask("http://127.0.0.1/mcp", tokens.access_token);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.headers.get("WWW-Authenticate")).toMatch(/^Bearer resource_metadata="http:\/\/127\.0\.0\.1\/\.well-known\/oauth-protected-resource", error="invalid_token"/);
    expect((await ask("http://127.0.0.1/mcp", visitor.key)).status).toBe(200);
    expect((await (await fetchWorker("http://127.0.0.1/.well-known/oauth-protected-resource")).json()) as any).toMatchObject({ resource: "http://127.0.0.1/mcp" });
    expect((await ask(MCP, tokens.access_token)).status).toBe(200);
    // And that address signs in to its own /mcp: its /authorize is checked against it, not against the first one's.
    const { challenge } = await pkce();
    const query = new URLSearchParams({ response_type: "code", client_id: await register(), redirect_uri: CALLBACK, code_challenge: challenge, code_challenge_method: "S256", state: "st-2", resource: "http://127.0.0.1/mcp" });
    const other = await fetchWorker(`http://127.0.0.1/authorize?${query}`, { redirect: "manual" });
    expect(other.headers.get("Location")).toMatch(/^\/authorize\?consent=/);
  });

  it("plain PKCE is refused, and so is a code without its verifier", async () => {
    const clientId = await register();
    const plain = await authorize(clientId, "a".repeat(43), "plain");
    expect(plain.status).toBe(302);
    expect(new URL(plain.headers.get("Location")!).searchParams.get("error")).toBe("invalid_request");
    const { form } = await signIn((await newVisitor()).key);
    expect((await token({ ...form, code_verifier: "x".repeat(43) })).status).toBe(400);
  });

  it("Deny sends the app back with access_denied and its state; a handle answers once", async () => {
    const clientId = await register();
    const { challenge } = await pkce();
    const handle = await consentHandle(clientId, challenge);
    const denied = await call(`/consents/${handle}/deny`, { method: "POST" });
    expect(denied.status).toBe(200);
    const back = new URL(denied.body.redirectTo);
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("st-1");
    expect(back.searchParams.has("code")).toBe(false);
    const key = (await newVisitor()).key;
    expect((await call(`/consents/${handle}/allow`, { method: "POST", key })).status).toBe(404);
    expect((await call(`/consents/${handle}`)).status).toBe(404);
  });

  it("connected apps: the visitor's grants are listed, and Disconnect makes the app's tokens 401", async () => {
    const visitor = await newVisitor();
    const { tokens } = await signIn(visitor.key, "Heron Agent");
    const listed = await call("/visitors/me/apps", { key: visitor.key });
    expect(listed.status).toBe(200);
    expect(listed.body.apps).toEqual([{ id: expect.any(String), name: "Heron Agent", redirectHost: "127.0.0.1", createdAt: expect.any(Number) }]);
    expect((await call("/visitors/me/apps", { key: (await newVisitor()).key })).body.apps).toEqual([]);
    expect(await mcpStatus(tokens.access_token)).toBe(200);
    const [app] = listed.body.apps;
    expect((await call(`/visitors/me/apps/${app.id}`, { method: "DELETE", key: (await newVisitor()).key })).status).toBe(404);
    expect((await call(`/visitors/me/apps/${app.id}`, { method: "DELETE", key: visitor.key })).status).toBe(204);
    expect(await mcpStatus(tokens.access_token)).toBe(401);
    expect((await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: app.id })).status).not.toBe(200);
    expect((await call("/visitors/me/apps", { key: visitor.key })).body.apps).toEqual([]);
  });

  it("visitor keys still work as bearer tokens on /mcp; a forgotten visitor's token and key are refused, and its grants are gone", async () => {
    const visitor = await newVisitor();
    expect(await mcpStatus(visitor.key)).toBe(200);
    const { tokens, clientId } = await signIn(visitor.key);
    expect((await call("/visitors/me", { method: "DELETE", key: visitor.key })).status).toBe(204);
    expect(await mcpStatus(visitor.key)).toBe(401);
    expect(await mcpStatus(tokens.access_token)).toBe(401);
    // Its grants went with it: the app can't even refresh.
    expect((await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: clientId })).status).toBe(400);
  });
});
