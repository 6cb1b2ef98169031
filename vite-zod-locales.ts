/**
 * What zod's `z.locales` is in the Worker Vite builds: English only (vite.config.ts). zod's classic API puts every
 * language's error messages on `z.locales` (260 KB of the minified Worker); PromptReel's answers use English,
 * zod's default, which zod sets from its own `en.js` whatever this module holds.
 */
export { default as en } from "zod/v4/locales/en.js";
