import { AppError } from "../errors";
import { registrationLink } from "../nemo/errors";

/** Why a message was refused, or why a turn ended early, in words for a person. */

export const replyBeingWritten = () =>
  new AppError("turn_running", "A reply is still being written in this project. Wait for it to finish, then send your next message.");

export const tooFast = (limit: number, retryAt: number, now = Date.now()) =>
  new AppError(
    "rate_limited",
    `That's ${limit} messages in a minute, as many as we take. Send your next one in ${Math.ceil((retryAt - now) / 1000)} seconds.`,
    undefined,
    retryAt,
  );

/** The visitor's own allowance on the operator's shared account is used up until `retryAt` (tomorrow, UTC). */
export const dailyMessagesSent = (limit: number, retryAt: number) =>
  new AppError(
    "quota_exceeded",
    `You've sent today's ${limit} messages on this site. Come back tomorrow, or register with NemoVideo for an account of your own.`,
    registrationLink(),
    retryAt,
  );

export const interruptedByRestart = () =>
  new AppError(
    "upstream_unavailable",
    "Our server restarted while this reply was being written, so the rest of it was lost. NemoVideo may still have finished the work: the timeline shows where it stands.",
  );
