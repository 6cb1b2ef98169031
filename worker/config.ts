import { z } from "zod";

/**
 * The Worker's bindings: `Env` as `wrangler types` generates it from wrangler.toml (worker-configuration.d.ts), plus
 * what wrangler.toml cannot declare: the secrets, the timings the tests shrink, and the embedded emulator that
 * only `npm start` and the tests bind.
 */
export type Bindings = Env & {
  NEMO_TOKEN?: string;
  VISITOR_KEY_SECRET?: string;
  /** Only in `npm start` and the tests: the embedded NemoVideo emulator. Never bound in production. */
  NEMO_EMULATOR?: Fetcher;
};

/**
 * Whether this deployment's NemoVideo is the embedded emulator (`npm start`): then every video is one of its
 * sample clips, not made from the prompt, and wherever a video is shown (the page, share pages, MCP answers) says so.
 */
export const playsSampleClips = (env: Bindings): boolean => Boolean(env.NEMO_EMULATOR);

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

/** An upstream on this machine (the emulator, or a stand-in on loopback) means a local development run. */
const isLocalUpstream = (base: string) => {
  const host = new URL(base).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host.endsWith(".emulator");
};

/** Signs visitor keys and links when no secret is set and the upstream is local; never in a deployment. */
const DEVELOPMENT_SECRET = "promptreel-development-only-secret";
/** A deployment's VISITOR_KEY_SECRET must be at least this long (bytes): HMAC-SHA256 wants 32. */
export const MIN_SECRET_BYTES = 32;

/** Why a deployment can't serve yet, or undefined: a missing or short secret is never papered over. */
function setupProblem(secret: string | undefined, local: boolean): string | undefined {
  if (local) return undefined;
  if (!secret) return "VISITOR_KEY_SECRET is not set";
  if (new TextEncoder().encode(secret).length < MIN_SECRET_BYTES) return `VISITOR_KEY_SECRET is shorter than ${MIN_SECRET_BYTES} bytes`;
  return undefined;
}

const ConfigSchema = z
  .object({
    NEMO_API_BASE: z.url().default("https://mega-api-prod.nemovideo.ai"),
    NEMO_TOKEN: z.string().min(1).optional(),
    VISITOR_KEY_SECRET: z.string().min(1).optional(),
    SKILL_SOURCE: z.string().min(1).default("promptreel"),
    SKILL_VERSION: z.string().min(1).default("0.1.0"),
    SKILL_PLATFORM: z.string().min(1).default("cloudflare-worker"),
    EMBED_ORIGINS: z.string().default("*"),
    CORS_ORIGINS: list,
    // NemoVideo's own limit per file, 200 MiB (nemo/formats.ts), unless the operator sets a lower one.
    MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(200 * 1024 * 1024),
    // R2 wants parts of at least 5 MiB (all but the last); Cloudflare refuses bodies over 100 MB on Free and Pro.
    UPLOAD_PART_BYTES: z.coerce.number().int().min(5 * 1024 * 1024).max(95 * 1024 * 1024).default(32 * 1024 * 1024),
    VISITOR_DAILY_TURNS: z.coerce.number().int().positive().default(30),
    // With NEMO_TOKEN: the messages all visitors of one network (an IPv4 address, an IPv6 /56) share per UTC day.
    NETWORK_DAILY_TURNS: z.coerce.number().int().positive().default(90),
    // What one visitor may have or do at once (docs/security.md, "Limits"): each is answered 429 with when to try again.
    SESSIONS_PER_DAY: z.coerce.number().int().positive().default(20),
    MESSAGES_PER_MINUTE: z.coerce.number().int().positive().default(6),
    UPLOADS_AT_ONCE: z.coerce.number().int().positive().default(3),
    UPLOAD_BYTES_AT_ONCE: z.coerce.number().int().positive().default(400 * 1024 * 1024),
    EXPORTS_AT_ONCE: z.coerce.number().int().positive().default(3),
    GENERATIONS_AT_ONCE: z.coerce.number().int().positive().default(3),
    // The free NemoVideo accounts this whole deployment may make in 7 days (NemoVideo grants 10 per address).
    ANONYMOUS_ACCOUNTS_PER_WEEK: z.coerce.number().int().nonnegative().default(10),
    // Of those, what the visitors of one network (an IPv4 address, an IPv6 /56) may take in 7 days.
    ACCOUNTS_PER_NETWORK_PER_WEEK: z.coerce.number().int().nonnegative().default(3),
    // Timings. Defaults are the product's; the tests shrink them.
    UPSTREAM_RETRY_AFTER_MS: ms(30_000),
    UPSTREAM_BACKOFF_MS: ms(400),
    KEEPALIVE_MS: ms(25_000),
    WORKING_NOTICE_MS: ms(120_000),
    TURN_CAP_MS: ms(15 * 60_000),
    // An export still rendering after this long (× JOB_TIME_SCALE) fails with a reason; a generation waits as long.
    EXPORT_CAP_MS: ms(20 * 60_000),
    // A chat turn's events go out at once; the copy kept for resuming is written this often (each write is a commit,
    // 7–10 % of the thread at 200 ms under 50 streams: bench/README.md); a restart loses at most this much of a turn.
    TURN_BATCH_MS: ms(1000),
    // A file sent in one request is cut (408 upload_stalled) when its next 256 KiB take longer than this to arrive.
    UPLOAD_STALL_MS: z.coerce.number().int().positive().default(30_000),
    // Multiplies every timing of exports and generations (poll schedule, backoffs, caps, webhook retries): 1 in
    // production; `npm start` and the tests match the emulator's TIME_SCALE.
    JOB_TIME_SCALE: z.coerce.number().positive().max(1).default(1),
  })
  .transform((config) => {
    const local = isLocalUpstream(config.NEMO_API_BASE);
    const problem = setupProblem(config.VISITOR_KEY_SECRET, local);
    return {
      ...config,
      /** A local development run (the upstream is on this machine): http to loopback allowed, a fixed secret. */
      localDevelopment: local,
      /** Why this deployment is not set up (every request is then answered with it), or undefined. */
      setupProblem: problem,
      /** What signs visitor keys and links: the configured secret, else in local development a fixed one. */
      signingSecret: problem ? undefined : (config.VISITOR_KEY_SECRET ?? (local ? DEVELOPMENT_SECRET : undefined)),
    };
  });

export type Config = z.infer<typeof ConfigSchema>;

const cache = new WeakMap<object, Config>();

/** Reads and checks every variable once per isolate. */
export function readConfig(env: Bindings): Config {
  let config = cache.get(env);
  if (!config) {
    config = ConfigSchema.parse(env);
    cache.set(env, config);
  }
  return config;
}
