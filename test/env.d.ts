// The bindings and main module the tests see through `cloudflare:workers` (see vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    KV: KVNamespace;
    VISITOR: DurableObjectNamespace<import("../worker/visitor/visitor").Visitor>;
    NEMO_EMULATOR: Fetcher;
    UPLOADS: R2Bucket;
  }
  interface GlobalProps {
    mainModule: typeof import("../worker/index");
  }
}
