// Builds the MCP Apps view (ui://promptreel/video) into worker/mcp/view/page.gen.ts: page.html with style.css and
// app.ts (bundled and minified by esbuild) inline, as one string the Worker serves. Run by `npm start`,
// `npm run pretest`, `npm run build` and `npm run check:deploy`; the output is committed, so that a plain
// `tsc` or `wrangler deploy` finds it too. Prints its size gzipped.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build, transform } from "esbuild";

const here = (name) => new URL(name, import.meta.url);
const script = await build({ entryPoints: [here("app.ts").pathname], bundle: true, minify: true, format: "iife", target: "es2022", write: false });
const style = await transform(readFileSync(here("style.css"), "utf8"), { loader: "css", minify: true });
const html = readFileSync(here("page.html"), "utf8")
  .replace(/>\s+</g, "><")
  .replace("/*STYLE*/", () => style.code.trim())
  .replace("/*SCRIPT*/", () => script.outputFiles[0].text.trim().replaceAll("</script", "<\\/script"));
const source = `// Made by build.mjs from page.html, style.css and app.ts: do not edit.\nexport const VIEW_HTML = ${JSON.stringify(html)};\n`;
const path = here("page.gen.ts");
let before = "";
try {
  before = readFileSync(path, "utf8");
} catch {}
if (before !== source) writeFileSync(path, source);
if (process.argv.includes("--size")) console.log(`MCP view: ${html.length} bytes, ${gzipSync(html, { level: 9 }).length} gzipped`);
