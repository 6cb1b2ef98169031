/**
 * Workers Paid list prices (USD) beyond what the plan includes, as Cloudflare's pricing pages give them; the cost
 * benchmark prices one video with them. Check the pages and change `read` when they move.
 */
export const PRICES = {
  read: "2026-12-02",
  sources: [
    "https://developers.cloudflare.com/workers/platform/pricing/",
    "https://developers.cloudflare.com/durable-objects/platform/pricing/",
    "https://developers.cloudflare.com/kv/platform/pricing/",
    "https://developers.cloudflare.com/r2/pricing/",
  ],
  /** A Durable Object's duration is billed at 128 MB, whatever it uses. */
  doMemoryGB: 0.125,
  perMillion: {
    workerRequests: 0.3,
    workerCpuMs: 0.02,
    doRequests: 0.15,
    doGBs: 12.5,
    kvReads: 0.5,
    kvWrites: 5,
    r2ClassA: 4.5,
    r2ClassB: 0.36,
  },
  included: "10 M requests and 30 M CPU ms, 1 M Durable Object requests and 400,000 GB-s, 10 M KV reads and 1 M writes, 1 M R2 class A and 10 M class B per month, for $5",
};
