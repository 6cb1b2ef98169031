/**
 * The house rules of PromptReel's imports, checked by `npm test` (test/structure/house.test.ts). Imports run one
 * way, down these layers of worker/:
 *   index.ts, app.ts (and reference.ts, which the build runs to make the API reference)
 *   → visitor/ (the Durable Object: a shell over the features' logic) and each feature's routes (HTTP in and out)
 *   → http.ts (routers, each route's authentication and body limit, the error shape)
 *   → each feature's logic and tables, on either side of RPC (in the Durable Object, or in the Worker for a request)
 *   → caller.ts (the visitor a request acts for: its Object, its NemoVideo client)
 *   → account/ (the visitor's NemoVideo account), budget/ (the deployment's free accounts)
 *   → upstream.ts → nemo/ (the one door to NemoVideo) → the base (config, errors, sse, signing, schedule, …).
 */
const FEATURES = "(visitors|sessions|chat|uploads|exports|generations|videos|credits|pages|docs|mcp|oauth)";
const ROUTES = "^worker/[a-z]+/(share-)?routes\\.ts$";
const BASE = "^worker/(config|errors|sse|signing|schedule|jobs|estimates|reservations|allowance|scope|ids|kv|language|network|outbound|migrations)\\.ts$";
const REQUEST_SIDE = "^worker/(caller\\.ts$|account/|budget/)";
const ABOVE_LOGIC = `^worker/(visitor/|http\\.ts$|app\\.ts$|index\\.ts$)|${ROUTES}`;

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No file may import itself back, however far round.",
      from: {},
      to: { circular: true },
    },
    {
      name: "config-imports-nothing-of-ours",
      severity: "error",
      comment: "config.ts reads and checks the variables; the Env type comes from wrangler types.",
      from: { path: "^worker/config\\.ts$" },
      to: { path: "^(worker|web|emulator)/" },
    },
    {
      name: "base-stays-at-the-bottom",
      severity: "error",
      comment: "The base modules import only each other.",
      from: { path: BASE },
      to: { path: "^worker/", pathNot: BASE },
    },
    {
      name: "nemo-is-one-door",
      severity: "error",
      comment: "nemo/ knows NemoVideo; it imports nothing of ours but the error type and its own shapes.",
      from: { path: "^worker/nemo/" },
      to: { path: "^(worker|web|emulator)/", pathNot: "^worker/(nemo/|errors\\.ts$)" },
    },
    {
      name: "logic-below-the-durable-object",
      severity: "error",
      comment: "A feature's logic and tables never reach up to the Durable Object, the HTTP layer or any routes.",
      from: { path: `^worker/(${FEATURES.slice(1, -1)}|nemo)/|^worker/upstream\\.ts$|${REQUEST_SIDE}|${BASE}`, pathNot: ROUTES },
      to: { path: ABOVE_LOGIC },
    },
    {
      name: "the-request-side-below-the-features",
      severity: "error",
      comment: "caller.ts and the account it asks for tokens know no feature: every feature's Worker-side work takes a Caller.",
      from: { path: REQUEST_SIDE },
      to: { path: `^worker/${FEATURES}/` },
    },
    {
      name: "the-account-below-the-caller",
      severity: "error",
      comment: "The account (inside the Durable Object) never reaches for the request side.",
      from: { path: "^worker/(account|budget)/" },
      to: { path: "^worker/caller\\.ts$" },
    },
    {
      name: "the-durable-object-by-its-binding",
      severity: "error",
      comment: "Only index.ts exports the Durable Object class; the Worker reaches it through its binding (caller.ts).",
      from: { path: "^(worker|web|emulator)/", pathNot: "^worker/(index\\.ts|visitor/)" },
      to: { path: "^worker/visitor/" },
    },
    {
      name: "routes-are-mounted-by-the-app-only",
      severity: "error",
      comment: "No feature imports another feature's routes (nor its own other routes).",
      from: { path: "^worker/", pathNot: "^worker/app\\.ts$" },
      to: { path: ROUTES },
    },
    {
      name: "tables-belong-to-their-feature",
      severity: "error",
      comment: "A feature's table.ts holds every statement on its tables; only its own folder uses it.",
      from: { path: "^worker/([^/]+)/" },
      to: { path: "^worker/[^/]+/table\\.ts$", pathNot: "^worker/$1/" },
    },
    {
      name: "the-durable-object-below-http",
      severity: "error",
      comment: "The Durable Object knows nothing of HTTP routing, nor of the request side.",
      from: { path: "^worker/visitor/" },
      to: { path: `^worker/(http|app|index|caller)\\.ts$|${ROUTES}` },
    },
    {
      name: "http-below-routes",
      severity: "error",
      comment: "http.ts authenticates a caller; it knows no route, no feature and not the Durable Object.",
      from: { path: "^worker/http\\.ts$" },
      to: { path: `^worker/(app|index)\\.ts$|^worker/visitor/|^worker/${FEATURES}/` },
    },
    {
      name: "emulator-stands-apart",
      severity: "error",
      comment: "The emulator plays NemoVideo; it shares no code with the product.",
      from: { path: "^emulator/" },
      to: { path: "^(worker|web)/" },
    },
    {
      name: "the-worker-never-imports-the-page",
      severity: "error",
      from: { path: "^worker/" },
      to: { path: "^(web|emulator)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|\\.build)/|worker-configuration\\.d\\.ts$" },
    // TypeScript 7 has no compiler API yet: swc reads the sources (type-only imports included).
    parser: "swc",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs", ".d.ts"] },
  },
};
