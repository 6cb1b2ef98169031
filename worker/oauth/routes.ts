import { AuthorizationError, authorizationErrorRedirect, CimdFetchError, type OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import { createRoute } from "@hono/zod-openapi";
import { Hono } from "hono";
import { html } from "hono/html";
import { AppError } from "../errors";
import { type AppEnv, createRouter, errorResponse, requireVisitor, security, smallBody, unauthorized } from "../http";
import { holdConsent, pendingConsent, takeConsent } from "./consent";
import { grantsOf, helpersOf } from "./grants";
import type { SignedIn } from "./provider";
import { AppId, ConnectedApps, ConsentRequest, Decision, Handle } from "./schema";

/** The OAuth helpers for this request, or a 404 where OAuth is off. */
function oauthOf(env: AppEnv["Bindings"]): OAuthHelpers {
  const helpers = helpersOf(env);
  if (!helpers) throw new AppError("not_found", "Signing in with OAuth is not offered at this address.");
  return helpers;
}

const lapsed = () => new AppError("not_found", "This sign-in request has lapsed or was already answered. Start signing in again from the app.");

/**
 * `/authorize`, the authorization endpoint (outside the API: browsers are sent here by the app). The library checks
 * the request (client, exact redirect address, S256 PKCE, resource); it is then kept under a handle and the browser
 * sent on to `/authorize?consent=<handle>`, which is the page (web/consent/), framed by this origin only
 * (pages/routes.ts). A request the library refuses goes back to the app when its redirect address is known to be
 * the app's, and is told on a plain page when not.
 */
export const authorize = new Hono<AppEnv>().get("/authorize", async (c, next) => {
  const query = new URL(c.req.url).searchParams;
  if (query.has("consent")) return next();
  try {
    const oauth = oauthOf(c.env);
    const request = await oauth.parseAuthRequest(c.req.raw);
    const description = await oauth.describeConsent(request);
    const handle = await holdConsent(c.env, request, description);
    return c.redirect(`/authorize?consent=${handle}`, 302);
  } catch (error) {
    if (error instanceof AuthorizationError && error.redirectTo) return c.redirect(error.redirectTo, 302);
    if (!(error instanceof AuthorizationError || error instanceof CimdFetchError || error instanceof AppError)) throw error;
    const why = error instanceof AuthorizationError ? error.description : error instanceof AppError ? error.message : "The app's description could not be fetched.";
    return c.html(
      html`<!doctype html><meta charset="utf-8" /><meta name="viewport" content="width=device-width" /><title>PromptReel: sign-in refused</title>
        <p>This sign-in request can't be answered: ${why}</p>
        <p>Go back to the app and start again.</p>`,
      400,
    );
  }
});

const showConsent = createRoute({
  method: "get",
  path: "/consents/{handle}",
  tags: ["Signing in"],
  summary: "What an app asks to do",
  description:
    "The consent page's request: which app asks to use PromptReel's MCP server as this browser's visitor, and where it sends the person back to. The handle (from `/authorize?consent=…`) is its credential: it works for 10 minutes, until Allow or Deny.",
  middleware: [smallBody],
  request: { params: Handle },
  responses: {
    200: { content: { "application/json": { schema: ConsentRequest } }, description: "The request." },
    404: errorResponse("No such request, or it lapsed or was answered."),
  },
});

const allow = createRoute({
  method: "post",
  path: "/consents/{handle}/allow",
  tags: ["Signing in"],
  summary: "Allow the app",
  description:
    "The app may act as the visitor whose key this is: its videos are the visitor's, and it spends the visitor's credits. Answers where to send the browser: back to the app with a code. The handle works once.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: Handle },
  responses: {
    200: { content: { "application/json": { schema: Decision } }, description: "Allowed." },
    401: unauthorized,
    404: errorResponse("No such request, or it lapsed or was answered."),
  },
});

const deny = createRoute({
  method: "post",
  path: "/consents/{handle}/deny",
  tags: ["Signing in"],
  summary: "Deny the app",
  description: "Answers where to send the browser: back to the app with `error=access_denied`. Needs no visitor. The handle works once.",
  middleware: [smallBody],
  request: { params: Handle },
  responses: {
    200: { content: { "application/json": { schema: Decision } }, description: "Denied." },
    404: errorResponse("No such request, or it lapsed or was answered."),
  },
});

const listApps = createRoute({
  method: "get",
  path: "/visitors/me/apps",
  tags: ["Signing in"],
  summary: "Apps signed in as this visitor",
  description: "Each app the visitor allowed (an OAuth grant), newest first.",
  security,
  middleware: [smallBody, requireVisitor],
  responses: { 200: { content: { "application/json": { schema: ConnectedApps } }, description: "The apps." }, 401: unauthorized },
});

const disconnect = createRoute({
  method: "delete",
  path: "/visitors/me/apps/{id}",
  tags: ["Signing in"],
  summary: "Disconnect an app",
  description: "Revokes the grant and every token of it: the app's next request to /mcp is answered 401.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: AppId },
  responses: { 204: { description: "Disconnected." }, 401: unauthorized, 404: errorResponse("No such app for this visitor.") },
});

/** The consent page's API and the visitor's connected apps (web/consent/, web/library/). */
export const signIns = createRouter()
  .openapi(showConsent, async (c) => {
    oauthOf(c.env);
    const pending = await pendingConsent(c.env, c.req.valid("param").handle);
    if (!pending) throw lapsed();
    const { clientName, clientUri, clientDomain, redirectHost, redirectIsLoopback, scope } = pending.description;
    const client = { name: clientName, ...(clientUri ? { uri: clientUri } : {}), ...(clientDomain ? { domain: clientDomain } : {}) };
    return c.json({ client, redirectHost, local: redirectIsLoopback, scopes: scope, expiresAt: pending.expiresAt }, 200);
  })
  .openapi(allow, async (c) => {
    const oauth = oauthOf(c.env);
    const pending = await takeConsent(c.env, c.req.valid("param").handle);
    if (!pending) throw lapsed();
    const { visitorId, network } = c.var.visitor;
    const props: SignedIn = { visitorId, ...(network ? { network } : {}) };
    const { redirectTo } = await oauth.completeAuthorization({
      request: pending.request,
      userId: visitorId,
      metadata: { clientName: pending.description.clientName, redirectHost: pending.description.redirectHost },
      scope: pending.request.scope,
      props,
    });
    return c.json({ redirectTo }, 200);
  })
  .openapi(deny, async (c) => {
    oauthOf(c.env);
    const pending = await takeConsent(c.env, c.req.valid("param").handle);
    if (!pending) throw lapsed();
    return c.json({ redirectTo: authorizationErrorRedirect(pending.request, "access_denied", "The person denied the request.") }, 200);
  })
  .openapi(listApps, async (c) => {
    const grants = await grantsOf(oauthOf(c.env), c.var.visitor.visitorId);
    const apps = grants
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((grant) => ({
        id: grant.id,
        name: typeof grant.metadata?.clientName === "string" ? grant.metadata.clientName : grant.clientId,
        ...(typeof grant.metadata?.redirectHost === "string" ? { redirectHost: grant.metadata.redirectHost } : {}),
        createdAt: grant.createdAt * 1000,
      }));
    return c.json({ apps }, 200);
  })
  .openapi(disconnect, async (c) => {
    const oauth = oauthOf(c.env);
    const { visitorId } = c.var.visitor;
    const { id } = c.req.valid("param");
    if (!(await grantsOf(oauth, visitorId)).some((grant) => grant.id === id)) throw new AppError("not_found", "That app is not connected to this visitor.");
    await oauth.revokeGrant(id, visitorId);
    return c.body(null, 204);
  });
