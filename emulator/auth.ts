import { Hono, type MiddlewareHandler } from "hono";
import { config } from "./config";
import { fail, httpFail, ok } from "./envelope";
import type { AppEnv } from "./types";
import { anonymousUser, issueToken, recentAnonymousTokens, userOfToken } from "./users";

/** Every platform call but anonymous-token: a known, unexpired `Authorization: Bearer` token, else 1001. */
export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
  const user = userOfToken(token);
  if (!token || !user) return fail(c, 1001, "token expired");
  c.set("user", user);
  c.set("token", token);
  await next();
};

/** A path's user segment: `me`, or (as older documents had it) the token's own user id. */
export const isOwnUserSegment = (segment: string, userId: string): boolean => segment === "me" || segment === userId;

/** `POST /api/auth/anonymous-token`: `anonCredits` (100) for a new user, 7 days; (switchable) N per client and N per address a week. */
export const authRoutes = new Hono<AppEnv>().post("/api/auth/anonymous-token", (c) => {
  const clientId = c.req.header("x-client-id");
  if (!clientId || clientId.length > 64) return httpFail(c, 400, "missing X-Client-Id");
  const recent = recentAnonymousTokens();
  const perClient = config().anonTokensPerClient;
  if (perClient > 0 && recent.filter((issued) => issued.clientId === clientId).length >= perClient) {
    return httpFail(c, 429, "rate limit: one anonymous token per client in 7 days");
  }
  const address = c.req.header("cf-connecting-ip") ?? "relay";
  const perAddress = config().anonTokensPerIp;
  if (perAddress > 0 && recent.filter((issued) => issued.address === address).length >= perAddress) {
    return httpFail(c, 429, "rate limit: too many anonymous tokens from this address");
  }
  const user = anonymousUser(clientId);
  const issued = issueToken(user, { address, lifeMs: config().anonTokenLifeMs });
  const { omitOptionalFields, tokenWithoutUserId } = config();
  const optional = omitOptionalFields
    ? {}
    : { ...(tokenWithoutUserId ? {} : { user_id: user.id }), expires_at: new Date(issued.expiresAt).toISOString() };
  return ok(c, { token: issued.token, ...optional, credits: user.available });
});
