import { now } from "./clock";
import { config } from "./config";
import { STARTING_CREDITS } from "./credits";
import { userId, userToken } from "./ids";
import { store } from "./store";
import { type IssuedToken, type User, WEEK_MS } from "./types";

/** The anonymous user of a client id: the same one again when a client comes back for a new token. */
export function anonymousUser(clientId: string): User {
  const known = [...store.users.values()].find((user) => user.anonymous && user.clientId === clientId);
  if (known) return known;
  return addUser({ id: userId(true), anonymous: true, clientId, available: config().anonCredits, frozen: 0 });
}

/** A registered user (an operator's `NEMO_TOKEN`), made through the control API. */
export const registeredUser = (available = STARTING_CREDITS): User =>
  addUser({ id: userId(false), anonymous: false, available, frozen: 0 });

function addUser(user: User): User {
  store.users.set(user.id, user);
  return user;
}

/** Issues a token for `user`, living `lifeMs` (7 days for anonymous tokens). */
export function issueToken(user: User, options: { address?: string; lifeMs?: number; token?: string } = {}): IssuedToken {
  const issuedAt = now();
  const issued: IssuedToken = {
    token: options.token ?? userToken(),
    userId: user.id,
    clientId: user.clientId,
    address: options.address,
    issuedAt,
    expiresAt: issuedAt + (options.lifeMs ?? WEEK_MS),
  };
  store.tokens.set(issued.token, issued);
  return issued;
}

/** The user of a token that is known and not expired. */
export function userOfToken(token: string | undefined): User | undefined {
  const issued = token ? store.tokens.get(token) : undefined;
  return issued && issued.expiresAt > now() ? store.users.get(issued.userId) : undefined;
}

/** Anonymous tokens issued in the last 7 days (the window of both rate limits). */
export const recentAnonymousTokens = (): IssuedToken[] =>
  [...store.tokens.values()].filter(
    (issued) => store.users.get(issued.userId)?.anonymous && now() - issued.issuedAt < WEEK_MS,
  );
