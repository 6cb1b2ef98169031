import { z } from "zod";
import { DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_UPLOAD_PART_BYTES } from "./uploads/formats";

/** The Worker's bindings, as declared in wrangler.toml (plus the emulator binding that dev and tests add). */
export interface Env {
  KV: KVNamespace;
  VISITOR: DurableObjectNamespace<import("./visitor/visitor").Visitor>;
  ASSETS?: Fetcher;
  VISITOR_LIMITER?: RateLimit;
  UPLOADS: R2Bucket;
  /** Only in `npm start` and the tests: the embedded NemoVideo emulator. Never bound in production. */
  NEMO_EMULATOR?: Fetcher;
  [key: string]: unknown;
}

const ms = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const list = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

const ConfigSchema = z.object({
  NEMO_API_BASE: z.url().default("https://mega-api-prod.nemovideo.ai"),
  NEMO_TOKEN: z.string().min(1).optional(),
  VISITOR_KEY_SECRET: z.string().min(1).optional(),
  SKILL_SOURCE: z.string().min(1).default("promptreel"),
  SKILL_VERSION: z.string().min(1).default("0.1.0"),
  SKILL_PLATFORM: z.string().min(1).default("cloudflare-worker"),
  EMBED_ORIGINS: z.string().default("*"),
  CORS_ORIGINS: list,
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_UPLOAD_BYTES),
  // R2 wants parts of at least 5 MiB (all but the last); Cloudflare refuses bodies over 100 MB on Free and Pro.
  UPLOAD_PART_BYTES: z.coerce.number().int().min(5 * 1024 * 1024).max(95 * 1024 * 1024).default(DEFAULT_UPLOAD_PART_BYTES),
  VISITOR_DAILY_TURNS: z.coerce.number().int().positive().default(30),
  // Timings. Defaults are the product's; the tests shrink them.
  UPSTREAM_RETRY_AFTER_MS: ms(30_000),
  UPSTREAM_BACKOFF_MS: ms(400),
  KEEPALIVE_MS: ms(25_000),
  WORKING_NOTICE_MS: ms(120_000),
  TURN_CAP_MS: ms(15 * 60_000),
  // Multiplies every timing of exports and generations (poll schedule, backoffs, caps, webhook retries): 1 in
  // production; `npm start` and the tests match the emulator's TIME_SCALE.
  JOB_TIME_SCALE: z.coerce.number().positive().max(1).default(1),
});

export type Config = z.infer<typeof ConfigSchema>;

const cache = new WeakMap<object, Config>();

/** Reads and checks every variable once per isolate. */
export function readConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = ConfigSchema.parse(env);
    cache.set(env, config);
  }
  return config;
}
