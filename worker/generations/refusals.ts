import { AppError } from "../errors";
import type { JobError } from "../exports/schema";

/** Why a generation was refused, or why it failed, in words for a person. */
export const tooMany = (limit: number) =>
  new AppError(
    "rate_limited",
    `You already have ${limit} generations on their way. Wait for one of them to finish (a few minutes), then start the next.`,
    undefined,
    Date.now() + 2 * 60_000,
  );

export const stillBusy = () =>
  new AppError("turn_running", "That video is still being made or changed. Wait until it has finished, then ask for the change.");

export const noProject = () =>
  new AppError(
    "not_found",
    "That video's project was not found: it ended before it had one, or it has expired. Make a new video instead.",
  );

export const FAILURES = {
  editExpired: { code: "not_found", message: "This video's project expired before the change could be made." },
  quota: {
    code: "quota_exceeded",
    message: "You've used today's messages on this site, so this generation could not start. Come back tomorrow.",
  },
  expired: { code: "not_found", message: "This generation's project expired before it finished." },
  noVideo: {
    code: "export_not_ready",
    message:
      "NemoVideo answered, but made no video from this prompt (its reply is in the messages). Try describing the video you want more plainly.",
  },
  exportGone: { code: "not_found", message: "This generation's export is gone." },
  exportFailed: { code: "upstream_error", message: "The export of this generation failed." },
} satisfies Record<string, JobError>;
