// Bundles the emulator Worker into .build/emulator.js for the tests, where Miniflare runs it as a second Worker.
// (`wrangler dev` and Vite bundle it themselves from emulator/wrangler.toml.)
import { build } from "esbuild";

await build({
  entryPoints: ["emulator/index.ts"],
  outfile: ".build/emulator.js",
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2024",
  mainFields: ["module", "main"],
  conditions: ["workerd", "worker", "browser"],
  // Clips are Data modules (ArrayBuffer) under wrangler and Vite; here they are inlined as bytes.
  loader: { ".bin": "binary" },
  logLevel: "warning",
});
