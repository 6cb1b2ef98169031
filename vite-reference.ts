import { build, type Plugin as EsbuildPlugin } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { patchDependency } from "./vite-patch.js";

/**
 * `cloudflare:workers` as Node can load it, for the libraries the app imports that import it at the top (the OAuth
 * provider's `WorkerEntrypoint`, worker/oauth/): the reference only builds routers, and never runs any of it.
 */
const workersStub: EsbuildPlugin = {
  name: "cloudflare-workers-stub",
  setup(build) {
    build.onResolve({ filter: /^cloudflare:workers$/ }, () => ({ path: "cloudflare:workers", namespace: "workers-stub" }));
    build.onLoad({ filter: /.*/, namespace: "workers-stub" }, () => ({
      contents: "export class WorkerEntrypoint {} export class DurableObject {} export const env = {};",
    }));
  },
};

/**
 * The API reference's files (worker/reference.ts: the OpenAPI document and the /api/docs page), keyed by their path
 * under dist/client. worker/reference.ts imports the app, so it is bundled by esbuild and run here in Node: the
 * app's modules only build routers when they load, which Node does as workerd would.
 */
export async function buildReference(root: string): Promise<Record<string, string>> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ["worker/reference.ts"],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "es2024",
    // The Durable Object classes' base, which the reference never loads (it imports app.ts, not index.ts).
    external: ["cloudflare:*"],
    plugins: [workersStub],
    write: false,
    logLevel: "warning",
  });
  const code = Buffer.from(result.outputFiles[0].text).toString("base64");
  const { reference } = (await import(`data:text/javascript;base64,${code}`)) as { reference: () => Record<string, string> };
  return reference();
}

/** Where the Worker asks its ASSETS binding for each file (worker/docs/routes.ts), with the type the assets give it. */
const SERVED: Record<string, { address: string; type: string }> = {
  "api/v1/openapi.json": { address: "/api/v1/openapi.json", type: "application/json" },
  "api/docs.html": { address: "/api/docs", type: "text/html; charset=utf-8" },
};

/**
 * OpenAPIHono's document makers, replaced in the built Worker by ones that throw: nothing there calls them any
 * more, and without them the generator (@asteasolutions/zod-to-openapi's) is tree-shaken out of the bundle.
 */
const MAKERS = ["getOpenAPIDocument", "getOpenAPI31Document", "doc", "doc31"];

const noDocumentMakers = patchDependency(
  "promptreel-no-openapi-generator",
  "@hono/zod-openapi/dist/index.mjs",
  (code) => {
    const start = code.indexOf("\tgetOpenAPIDocument = ");
    const end = code.indexOf("\troute(path, app) {");
    if (start < 0 || end < start || !MAKERS.every((name) => code.slice(start, end).includes(`\t${name} = (`))) return undefined;
    const throwing = MAKERS.map((name) => `\t${name} = () => {\n\t\tthrow new Error("${name}: the OpenAPI document is made by vite build (vite-reference.ts)");\n\t};\n`);
    return code.slice(0, start) + throwing.join("") + code.slice(end);
  },
  { changed: "@hono/zod-openapi's document makers are no longer where vite-reference.ts looks for them", workerOnly: true },
);

/**
 * The API reference: written to dist/client by `vite build`; made again on each request by `vite dev`, whose
 * Worker asks for it through ASSETS. Listed after the Cloudflare plugin, so that its middleware comes after the one
 * that sends the page's own requests to the Worker: it only ever answers the Worker's.
 */
export function reference(): Plugin[] {
  let root = ".";
  const files: Plugin = {
    name: "promptreel-reference",
    configResolved(config) {
      root = config.root;
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const address = request.url?.split("?")[0];
        const file = Object.keys(SERVED).find((name) => SERVED[name].address === address);
        if (!file) return next();
        buildReference(root).then((made) => {
          response.setHeader("Content-Type", SERVED[file].type);
          response.end(made[file]);
        }, next);
      });
    },
    applyToEnvironment: (environment) => environment.name === "client",
    async generateBundle() {
      for (const [fileName, source] of Object.entries(await buildReference(root))) this.emitFile({ type: "asset", fileName, source });
    },
  };
  return [files, noDocumentMakers];
}

/** `node vite-reference.ts`: the reference alone, written into dist/client (`npm run test:fast`, after a `vite build`). */
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = dirname(fileURLToPath(import.meta.url));
  for (const [name, source] of Object.entries(await buildReference(root))) {
    mkdirSync(dirname(join(root, "dist/client", name)), { recursive: true });
    writeFileSync(join(root, "dist/client", name), source);
  }
}
