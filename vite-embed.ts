import { build } from "esbuild";
import type { Plugin } from "vite";

/**
 * Bundles the widget loader (web/embed.ts) as one minified classic script: it must be a plain script, not a
 * module, to read `document.currentScript`, and its URL (`/embed.js`) must never change, so it is not hashed.
 */
export async function buildEmbed(root: string): Promise<string> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ["web/embed.ts"],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    write: false,
  });
  return result.outputFiles[0].text;
}

/** `/embed.js`: built on each request by `vite dev`, written to dist/client/embed.js by `vite build`. */
export function embed(): Plugin {
  let root = ".";
  return {
    name: "promptreel-embed",
    configResolved(config) {
      root = config.root;
    },
    configureServer(server) {
      server.middlewares.use("/embed.js", (_request, response, next) => {
        buildEmbed(root).then((code) => {
          response.setHeader("Content-Type", "text/javascript; charset=utf-8");
          response.end(code);
        }, next);
      });
    },
    applyToEnvironment: (environment) => environment.name === "client",
    async generateBundle() {
      this.emitFile({ type: "asset", fileName: "embed.js", source: await buildEmbed(root) });
    },
  };
}
