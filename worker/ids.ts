/**
 * A public job id: a prefix and 16 random hex digits.
 * @example newId("exp") // "exp_6f1c2a9e4b7d4c0e"
 */
export const newId = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;

/** What `newId(prefix)` makes, for checking a path parameter. */
export const idPattern = (prefix: string) => new RegExp(`^${prefix}_[0-9a-f]{16}$`);
