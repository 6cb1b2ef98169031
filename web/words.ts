import { ApiError } from "./api";
import { language, t } from "./i18n";

export interface Link {
  href: string;
  label: string;
}

/** An error as the person reads it: a sentence in the page's language, and the way out when there is one. */
export interface Trouble {
  code: string;
  text: string;
  link?: Link;
}

const WAY_OUT: Record<string, () => string> = {
  no_credits: () => t.register,
  accounts_exhausted: () => t.register,
  quota_exceeded: () => t.register,
  export_blocked: () => t.upgrade,
};

/**
 * The API's sentence (English) or the page's own (Chinese, when it has one), plus what to do next:
 * registration on no credits, "register or upgrade" on a blocked export, the formats on an unsupported file.
 */
export function troubleOf(error: Pick<ApiError, "code" | "message" | "link"> & { retryAt?: number }): Trouble {
  const own = language === "zh" || error.code === "network" ? t.errors[error.code] : undefined;
  let text = own ?? error.message ?? t.error;
  if (error.code === "unsupported_format" && !text.includes(t.formats)) text = `${t.errors[error.code] ?? text} ${t.formats}`;
  // The API's own sentence says when; the page's own sentences are told it.
  if (own && error.retryAt) text = `${text} ${t.tryAgainAt(new Date(error.retryAt))}`;
  const label = WAY_OUT[error.code]?.() ?? t.register;
  return { code: error.code, text, link: error.link ? { href: error.link, label } : undefined };
}

/** Anything thrown, as Trouble: an ApiError in its words, anything else as "Something went wrong". */
export const troubleFrom = (error: unknown): Trouble =>
  troubleOf(error instanceof ApiError ? error : new ApiError("internal", t.error));
