import { OAuthProvider, type OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import { type Bindings, readConfig } from "../config";
import { networkOf } from "../network";
import { readKey, secretOf } from "../signing";

/** What a grant holds (encrypted by the library) and what `/mcp` acts as: the visitor who pressed Allow. */
export interface SignedIn {
  visitorId: string;
  network?: string;
}

/** The Worker's bindings as the OAuth provider hands them on: with its helpers for this request's origin. */
export type OAuthBindings = Bindings & { OAUTH_PROVIDER?: OAuthHelpers };

/** The RFC 9728 document's address that the 401 names: the origin's own, as docs/mcp.md and the public contract say. */
export const resourceMetadataUrl = (origin: string) => `${origin}/.well-known/oauth-protected-resource`;

type Handler = ExportedHandler<Bindings> & { fetch: NonNullable<ExportedHandler<Bindings>["fetch"]> };

/**
 * The authorization server and `/mcp` as its one protected resource, for one origin: the library binds every grant
 * and token to `<origin>/mcp` (RFC 8707) and refuses a resource that is not https (http only on a loopback host).
 * `app` answers everything else, `/authorize` included (worker/oauth/routes.ts).
 */
function providerFor(origin: string, app: Handler) {
  return new OAuthProvider<Bindings>({
    apiRoute: "/mcp",
    apiHandler: app,
    defaultHandler: app,
    authorizeEndpoint: "/authorize",
    tokenEndpoint: "/oauth/token",
    clientRegistrationEndpoint: "/oauth/register",
    resourceMetadata: {
      resource: `${origin}/mcp`,
      authorization_servers: [origin],
      bearer_methods_supported: ["header"],
      resource_name: "PromptReel",
    },
    clientIdMetadataDocumentEnabled: true,
    // A visitor key is a bearer token of /mcp too: not the library's format, so it is asked here.
    resolveExternalToken: async ({ token, request, env }) => {
      const config = readConfig(env);
      if (config.setupProblem) return null;
      const holder = await readKey(token, secretOf(config));
      if (!holder) return null;
      const props: SignedIn = { visitorId: holder.visitorId, network: holder.network ?? networkOf(request.headers.get("CF-Connecting-IP") ?? undefined) };
      return { props, audience: `${origin}/mcp` };
    },
    onError: ({ status, code, description }) => {
      if (status >= 500) console.error("OAuth error", status, code, description);
    },
  });
}

const providers = new Map<string, OAuthProvider<Bindings> | null>();
/** A deployment answers at one or two origins (workers.dev, its domain); a Host header can name any, so few are kept. */
export const MAX_ORIGINS = 16;

/** The provider of `origin`, made once per isolate; null for an origin the library refuses (plain http elsewhere than loopback). */
export function oauthProvider(origin: string, app: Handler): OAuthProvider<Bindings> | null {
  if (!providers.has(origin)) {
    if (providers.size >= MAX_ORIGINS) providers.clear();
    try {
      providers.set(origin, providerFor(origin, app));
    } catch (error) {
      console.error("OAuth is off for", origin, error instanceof Error ? error.message : error);
      providers.set(origin, null);
    }
  }
  return providers.get(origin)!;
}

/**
 * `/mcp`'s 401 as PromptReel words it: RFC 9728's challenge naming the origin's metadata document (with RFC 6750's
 * `error="invalid_token"` when a token was given), the API's error body (the app's own when it refused, a forgotten
 * visitor for one), and CORS headers, so that a browser client can read the challenge.
 */
export async function challenge(request: Request, refused: Response): Promise<Response> {
  const origin = new URL(request.url).origin;
  const given = Boolean(request.headers.get("Authorization"));
  const headers = new Headers(refused.headers);
  headers.set(
    "WWW-Authenticate",
    `Bearer resource_metadata="${resourceMetadataUrl(origin)}"` +
      (given ? ', error="invalid_token", error_description="The token or visitor key is not valid, has expired, or was revoked"' : ""),
  );
  // The library adds these only when asked with an Origin; a browser client reads the challenge from any origin.
  if (!headers.has("Access-Control-Allow-Origin")) headers.set("Access-Control-Allow-Origin", "*");
  headers.set("Access-Control-Expose-Headers", "WWW-Authenticate");
  headers.set("Content-Type", "application/json");
  headers.delete("Content-Length");
  const body = (await refused.json().catch(() => undefined)) as { error?: unknown } | undefined;
  if (body?.error && typeof body.error === "object") return new Response(JSON.stringify(body), { status: 401, headers });
  const message =
    "PromptReel's MCP server needs a valid OAuth token (sign in: see resource_metadata) or visitor key: create one with POST /api/v1/visitors and send it as `Authorization: Bearer <key>` (a key works for 30 days).";
  return new Response(JSON.stringify({ error: { code: "unauthorized", message } }), { status: 401, headers });
}
