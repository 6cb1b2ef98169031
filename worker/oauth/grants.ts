import type { OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import type { Bindings } from "../config";
import type { OAuthBindings } from "./provider";

/** The OAuth helpers the provider handed on with this request (worker/index.ts); none where OAuth is off. */
export const helpersOf = (env: Bindings): OAuthHelpers | undefined => (env as OAuthBindings).OAUTH_PROVIDER;

/** The visitor's grants (the apps it allowed), all of them: a visitor allows few apps. */
export async function grantsOf(oauth: OAuthHelpers, visitorId: string) {
  const grants = [];
  let cursor: string | undefined;
  do {
    const page = await oauth.listUserGrants(visitorId, { cursor });
    grants.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return grants;
}

/** Signs every app out of a visitor that is being forgotten: its grants go, and their tokens with them. */
export async function revokeAll(env: Bindings, visitorId: string): Promise<void> {
  const oauth = helpersOf(env);
  if (!oauth) return;
  for (const grant of await grantsOf(oauth, visitorId)) await oauth.revokeGrant(grant.id, visitorId);
}
