import { tomorrow } from "../allowance";
import { AppError } from "../errors";
import { registrationLink } from "../nemo/errors";

/** Why the visitor's NemoVideo account can't act now, in words for a person, with the way out. */

const when = (at: number) => new Date(at).toUTCString().replace(/:\d\d GMT$/, " UTC");

/** Every free account this deployment may make is spent: said at once, with when it frees up and the way out. */
export const budgetSpent = (freesAt: number, perWeek: number) =>
  new AppError(
    "accounts_exhausted",
    `This site has given out all the free NemoVideo accounts it may make this week (${perWeek} every 7 days, as NemoVideo allows). New ones free up on ${when(freesAt)}. To make videos now, register with NemoVideo for an account of your own.`,
    registrationLink(),
    freesAt,
  );

/** The visitors of this one's network have had their share of the week's free accounts. */
export const networkShareSpent = (freesAt: number, perNetwork: number) =>
  new AppError(
    "accounts_exhausted",
    `Visitors from your network have had this week's free NemoVideo accounts on this site (${perNetwork} every 7 days per network, so that one address can't take what others need). Another frees up on ${when(freesAt)}. To make videos now, register with NemoVideo for an account of your own.`,
    registrationLink(),
    freesAt,
  );

/** The visitors of this one's network have sent the day's messages they share on the operator's account. */
export const networkMessagesSent = (limit: number) =>
  new AppError(
    "quota_exceeded",
    `Visitors from your network have sent today's ${limit} messages on this site (shared by everyone on one network). Come back tomorrow, or register with NemoVideo for an account of your own.`,
    registrationLink(),
    tomorrow(),
  );

/** NemoVideo won't give this visitor another free token yet. */
export const refusedForThisVisitor = (until: number, userId?: string) =>
  new AppError(
    "accounts_exhausted",
    `NemoVideo ended your free session and won't start another for this browser before ${when(until)}. Register with NemoVideo to keep going now, and keep your projects.`,
    registrationLink(userId),
    until,
  );

/** The answer to anything a forgotten visitor's key asks. */
export const forgotten = () =>
  new AppError("unauthorized", "This visitor was forgotten at its own request. Start again to make a new one.");
