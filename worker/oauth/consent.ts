import type { AuthRequest, ConsentDescription } from "@cloudflare/workers-oauth-provider";
import type { Bindings } from "../config";
import { base64url } from "../signing";

/** How long the consent page may wait for Allow or Deny. */
export const CONSENT_LIFE_MS = 10 * 60_000;

/** A request for consent as the page waits on it: what the library parsed and what the page shows of it. */
export interface PendingConsent {
  request: AuthRequest;
  description: ConsentDescription;
  expiresAt: number;
}

const consentKey = (handle: string) => `promptreel-consent:${handle}`;

/** 32 random bytes, base64url: the consent page's address carries it, and it is all the page's API needs to show the request. */
const newHandle = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** Keeps a parsed authorization request for the consent page (OAUTH_KV, 10 minutes) and answers its handle. */
export async function holdConsent(env: Bindings, request: AuthRequest, description: ConsentDescription): Promise<string> {
  const handle = newHandle();
  const pending: PendingConsent = { request, description, expiresAt: Date.now() + CONSENT_LIFE_MS };
  await env.OAUTH_KV.put(consentKey(handle), JSON.stringify(pending), { expirationTtl: CONSENT_LIFE_MS / 1000 });
  return handle;
}

/** The request a handle names, while it waits. */
export async function pendingConsent(env: Bindings, handle: string): Promise<PendingConsent | undefined> {
  const pending = await env.OAUTH_KV.get<PendingConsent>(consentKey(handle), "json");
  return pending && pending.expiresAt > Date.now() ? pending : undefined;
}

/** The request a handle names, taken: a handle answers once (Allow or Deny). */
export async function takeConsent(env: Bindings, handle: string): Promise<PendingConsent | undefined> {
  const pending = await pendingConsent(env, handle);
  if (pending) await env.OAUTH_KV.delete(consentKey(handle));
  return pending;
}
