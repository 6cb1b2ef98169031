/** The two languages of the product's own words. */
export type Language = "en" | "zh";

/** The product's language for a language tag: Chinese for `zh…`, English for everything else. */
export const languageOf = (tag?: string): Language => (tag?.toLowerCase().startsWith("zh") ? "zh" : "en");
