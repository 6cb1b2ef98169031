import type { Messages } from "./en";

export type Language = "en" | "zh";

/** `?lang=zh-CN` (or any `zh…`) wins, then the browser's first language; English otherwise. */
export function pickLanguage(search: string, browserLanguages: readonly string[]): Language {
  const asked = new URLSearchParams(search).get("lang") ?? browserLanguages[0] ?? "en";
  return asked.toLowerCase().startsWith("zh") ? "zh" : "en";
}

export const language: Language = pickLanguage(location.search, navigator.languages ?? [navigator.language]);

/** The page's words in its language, once `loadWords` has brought them. */
export let t: Messages;

/** Brings the page's words in its language, and only those: the other language's are never fetched. */
export async function loadWords(): Promise<void> {
  t = language === "zh" ? (await import("./zh")).zh : (await import("./en")).en;
}

/** The language tag for `<html lang>` and for new sessions. */
export const languageTag = language === "zh" ? "zh-CN" : "en";
