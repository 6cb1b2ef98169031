import { AppError } from "../errors";
import type { JobError } from "./schema";

/** Why an export was refused, or why it failed, in words for a person. */

/** The visitor's exports at once are rendering: said with when to look again (a render takes a minute or two). */
export const tooManyExports = (limit: number) =>
  new AppError(
    "rate_limited",
    `You already have ${limit} exports rendering. Wait for one of them to finish (usually a minute or two), then export this one.`,
    undefined,
    Date.now() + 60_000,
  );

export const gone = (): JobError => ({
  code: "not_found",
  message: "The project this export belonged to has expired, so the export was stopped.",
});

export const tookTooLong = (capMs: number): JobError => ({
  code: "upstream_timeout",
  message: `NemoVideo took longer than ${Math.round(capMs / 60_000)} minutes to render this video, so we stopped waiting. Please export again.`,
});
