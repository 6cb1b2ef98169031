import { cloudflare } from "@cloudflare/vite-plugin";
import preact from "@preact/preset-vite";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { embed } from "./vite-embed.js";
import { patchDependency } from "./vite-patch.js";
import { reference } from "./vite-reference.js";

/** The emulator's clock in `npm start` (a 3-minute generation takes 18 s); the browser tests set TIME_SCALE lower. */
const timeScale = process.env.TIME_SCALE ?? "0.1";

/**
 * Local trials never lock out: every browser, phone, curl walk and MCP key is a new visitor with a free account of
 * its own, so `npm start` gives the limits on new visitors and free accounts room for any trial, where a deployment
 * keeps wrangler.toml's. A variable in the environment sets one as it likes; the real ones:
 * `ANONYMOUS_ACCOUNTS_PER_WEEK=10 NEW_VISITORS_PER_MINUTE=10 ANON_TOKENS_PER_IP=10 npm start`.
 */
const trial = (name: string, roomy: string) => process.env[name] ?? roomy;

/** zod's `z.locales` reduced to English (vite-zod-locales.ts): the other languages' messages are never used. */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  enforce: "pre",
  resolveId: (source, importer) =>
    source === "../locales/index.js" && importer?.includes("/node_modules/zod/")
      ? fileURLToPath(new URL("./vite-zod-locales.ts", import.meta.url))
      : undefined,
};

/**
 * @hono/zod-openapi hands zod's whole namespace to `extendZodWithOpenApi`, which reads only `ZodType` from it; a
 * namespace used as a value keeps every export of zod in the bundle (z.compile, z.fromJSONSchema, …). Given just
 * `ZodType`, the rest is tree-shaken: the same `.openapi()` on every schema.
 */
const CALL = "extendZodWithOpenApi(z);";
const zodOpenApiShakeable = patchDependency(
  "zod-openapi-shakeable",
  "@hono/zod-openapi/dist/index.mjs",
  (code) => (code.includes(CALL) ? code.replace(CALL, "extendZodWithOpenApi({ ZodType: z.ZodType });") : undefined),
  { changed: "@hono/zod-openapi no longer calls extendZodWithOpenApi(z): see vite.config.ts" },
);

/**
 * @modelcontextprotocol/server's default JSON Schema validator (@cfworker/json-schema, 5.9 KiB gzipped) left out of
 * the Worker: the SDK uses it only to check a client's answer to an elicitation the server sends, and for
 * `fromJsonSchema`; PromptReel does neither (its tools' inputs and outputs are zod schemas, checked by zod). Passing
 * `jsonSchemaValidator` to the server would not do: the default is still imported. One that refuses takes its place.
 */
const VALIDATOR = /^import \{ t as CfWorkerJsonSchemaValidator \} from "\.\/cfWorkerProvider-[\w-]+\.mjs";$/m;
const EXPORTED = "export { CfWorkerJsonSchemaValidator as DefaultJsonSchemaValidator, process };";
const REFUSING = `class NoJsonSchemaValidator {\n\tgetValidator() {\n\t\tthrow new Error("PromptReel's Worker has no JSON Schema validator (vite.config.ts)");\n\t}\n}\n`;
const mcpWithoutJsonSchemaValidator = patchDependency(
  "mcp-without-json-schema-validator",
  "@modelcontextprotocol/server/dist/shimsWorkerd.mjs",
  (code) =>
    VALIDATOR.test(code) && code.includes(EXPORTED)
      ? code.replace(VALIDATOR, "").replace(EXPORTED, `${REFUSING}export { NoJsonSchemaValidator as DefaultJsonSchemaValidator, process };`)
      : undefined,
  { changed: "@modelcontextprotocol/server's workerd shims no longer import the validator as vite.config.ts expects", workerOnly: true },
);

/** Hono's typed client's runtime reduced to what the page asks of it (vite-hono-client.ts), for the page only. */
const honoClientRuntime: Plugin = {
  name: "hono-client-runtime",
  enforce: "pre",
  applyToEnvironment: (environment) => environment.name === "client",
  resolveId: (source, importer) =>
    source === "hono/client" && importer?.includes("/web/") ? fileURLToPath(new URL("./vite-hono-client.ts", import.meta.url)) : undefined,
};

/**
 * `npm start` (vite dev) runs the page, the Worker, its Durable Object and the embedded NemoVideo emulator in
 * one process; the Worker reaches the emulator through the `NEMO_EMULATOR` service binding added here, and
 * answers the emulator's control API at `/__emulator/*` (dev-worker.ts). Job timings follow the
 * emulator's clock (JOB_TIME_SCALE = TIME_SCALE).
 * `vite build` leaves all of it out: the deployed Worker talks to NEMO_API_BASE only.
 */
export default defineConfig(({ command }) => ({
  // Files served as they are (the share pages' card, /share-card.png), next to the page's code.
  publicDir: "web/public",
  // The page's dependencies, optimised when vite dev starts rather than on the first visit (which would reload it).
  optimizeDeps: {
    include: ["preact", "preact/hooks", "preact/jsx-dev-runtime"],
  },
  // The Worker as `npm run deploy` ships it (Vite's bundle), minified and with zod's English messages only: 221 KB
  // gzipped before (bench/results.md, "Sizes").
  environments: { promptreel: { build: { minify: true } } },
  // The page is one script with no dynamic imports, for browsers that all know <link rel="modulepreload">: Vite's
  // polyfill for older ones would be 0.4 KB of the page's 25 KB (gzipped) for nothing.
  build: { modulePreload: { polyfill: false } },
  plugins: [
    zodEnglishOnly,
    zodOpenApiShakeable,
    mcpWithoutJsonSchemaValidator,
    honoClientRuntime,
    preact(),
    embed(),
    cloudflare({
      configPath: "./wrangler.toml",
      inspectorPort: false,
      // Durable Object and KV state live in .wrangler/state; a second stack (the browser tests) gets its own
      // directory, since two workerd processes on one SQLite file lock each other out.
      persistState: process.env.PROMPTREEL_STATE_DIR ? { path: process.env.PROMPTREEL_STATE_DIR } : true,
      config:
        command === "serve"
          ? (worker) => {
              // VISITOR_LIMITER is a binding: what this answers is merged with arrays joined, so it is set in place.
              for (const limiter of worker.ratelimits) limiter.simple.limit = Number(trial("NEW_VISITORS_PER_MINUTE", "1000000"));
              return {
                main: "./dev-worker.ts",
                // wrangler.toml's "/*" brings /__emulator/* to the Worker; Vite's own module addresses stay with Vite.
                assets: { ...worker.assets, run_worker_first: ["!/@*", "!/web/*", "!/worker/*", "!/node_modules/*"] },
                vars: {
                  ...worker.vars,
                  NEMO_API_BASE: "http://nemo.emulator",
                  JOB_TIME_SCALE: timeScale,
                  ANONYMOUS_ACCOUNTS_PER_WEEK: trial("ANONYMOUS_ACCOUNTS_PER_WEEK", "1000000"),
                  // Every visitor of `npm start` comes from this machine: one network, whose shares must not lock a trial out.
                  ACCOUNTS_PER_NETWORK_PER_WEEK: trial("ACCOUNTS_PER_NETWORK_PER_WEEK", "1000000"),
                  NETWORK_DAILY_TURNS: trial("NETWORK_DAILY_TURNS", "1000000"),
                },
                services: [...(worker.services ?? []), { binding: "NEMO_EMULATOR", service: "nemovideo-emulator" }],
              };
            }
          : undefined,
      auxiliaryWorkers: [
        {
          configPath: "./emulator/wrangler.toml",
          devOnly: true,
          // ANON_CREDITS: emulator/wrangler.toml's 1000, unless `ANON_CREDITS=100 npm start` asks for NemoVideo's own;
          // no limit of tokens per address (the relay's one address asks for all of them) unless ANON_TOKENS_PER_IP says.
          config: (worker) => ({
            vars: {
              ...worker.vars,
              TIME_SCALE: timeScale,
              ANON_CREDITS: trial("ANON_CREDITS", String(worker.vars.ANON_CREDITS)),
              ANON_TOKENS_PER_IP: trial("ANON_TOKENS_PER_IP", "0"),
            },
          }),
        },
      ],
    }),
    // After the Cloudflare plugin: in `vite dev` its middleware answers only what the Worker asks of ASSETS.
    reference(),
  ],
}));
