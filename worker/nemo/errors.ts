import { AppError } from "../errors";
import { FORMATS_SENTENCE, MAX_FILE_BYTES } from "./formats";
import type { Caller } from "./shapes";

/** NemoVideo's documented error codes. */
export const NemoCode = {
  ok: 0,
  badToken: 1001,
  sessionNotFound: 1002,
  noCredits: 2001,
  unsupportedFile: 4001,
  fileTooLarge: 4002,
} as const;

/** NemoVideo answered, but not in a shape we know (a body that does not parse, no event stream for a turn). */
export const unexpectedAnswer = () => new AppError("upstream_error", "NemoVideo answered in a way we did not expect. Please try again.");

/** When "try again in a minute" comes round. */
const inAMinute = () => Date.now() + 60_000;

export const registrationLink = (userId?: string) =>
  userId ? `https://nemovideo.com/register?bind=${encodeURIComponent(userId)}` : "https://nemovideo.com/register";

/** Turns an upstream error code (or a bare HTTP status) into the public error a person reads. */
export function fromUpstream(code: number | undefined, httpStatus: number, caller: Caller): AppError {
  switch (code) {
    case NemoCode.badToken:
      return new AppError(
        "upstream_unavailable",
        "Your NemoVideo sign-in expired and could not be renewed just now. Please try again in a minute.",
        undefined,
        inAMinute(),
      );
    case NemoCode.sessionNotFound:
      return new AppError(
        "session_lost",
        "NemoVideo no longer has this project, so its timeline is gone. A fresh project has been started in its place: send your message or upload again.",
      );
    case NemoCode.noCredits:
      return caller.anonymous
        ? new AppError(
            "no_credits",
            "You've used all your free credits. Register with NemoVideo to get more and keep this project.",
            registrationLink(caller.userId),
          )
        : new AppError("no_credits", "You've used all your credits. Top up your credits in your NemoVideo account.");
    case NemoCode.unsupportedFile:
      return new AppError("unsupported_format", `NemoVideo can't use that file. ${FORMATS_SENTENCE}`);
    case NemoCode.fileTooLarge:
      return new AppError(
        "file_too_large",
        `That file is too large for NemoVideo (${MAX_FILE_BYTES / 1024 / 1024} MB at most). Try compressing or trimming it first.`,
      );
  }
  if (httpStatus === 402)
    return new AppError(
      "export_blocked",
      "Register or upgrade your plan to unlock export.",
      caller.anonymous ? registrationLink(caller.userId) : undefined,
    );
  if (httpStatus === 409)
    return new AppError(
      "turn_running",
      "NemoVideo is still working on the previous message in this project. Wait for it to finish, then send your next one.",
    );
  if (httpStatus === 429)
    return new AppError(
      "rate_limited",
      "NemoVideo is getting too many requests from us right now. Please try again in a minute.",
      undefined,
      inAMinute(),
    );
  if (httpStatus >= 500 || httpStatus === 408)
    return new AppError("upstream_unavailable", "NemoVideo is not answering right now. Please try again in a moment.");
  return new AppError("upstream_error", "NemoVideo could not do that. Please try again, or rephrase your request.");
}
