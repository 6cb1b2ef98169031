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


/**
 * The page's own sentence for the error's code (for `invalid_request`, for the field the API names), in the page's
 * language; the API's English sentence only on the English page, where the page has none. Plus what to do next:
 * registration on no credits, "register or upgrade" on a blocked export, the formats on an unsupported file.
 */
export function troubleOf(error: Pick<ApiError, "code" | "message" | "link"> & { retryAt?: number }): Trouble {
  const field = error.code === "invalid_request" ? /\((\w+)[.:]/.exec(error.message ?? "")?.[1] : undefined;
  const own = (field && t.fields[field]) || t.errors[error.code];
  let text = own ?? ((language === "en" && error.message) || t.error);
  if (error.code === "unsupported_format" && !text.includes(t.formats)) text = `${t.errors[error.code] ?? text} ${t.formats}`;
  // The API's own sentence says when; the page's own sentences are told it.
  if (own && error.retryAt) text = `${text} ${t.tryAgainAt(new Date(error.retryAt))}`;
  // Registration is the way out of no credits, no accounts left, a day's quota; a blocked export needs an upgrade.
  const label = error.code === "export_blocked" ? t.upgrade : t.register;
  return { code: error.code, text, link: error.link ? { href: error.link, label } : undefined };
}

/** Anything thrown, as Trouble: an ApiError in its words, anything else as "Something went wrong". */
export const troubleFrom = (error: unknown): Trouble =>
  troubleOf(error instanceof ApiError ? error : new ApiError("internal", t.error));
