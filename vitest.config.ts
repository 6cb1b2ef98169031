import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, defineProject } from "vitest/config";
import { OPERATOR_TOKEN } from "./test/operator/token";
import { PUBLIC_SECRET } from "./test/public/secret";


/**
 * Tests run inside workerd: the PromptReel Worker from wrangler.toml, and the NemoVideo emulator as a second
 * Worker (bundled by `emulator/build.mjs`, see the `pretest` script) reached through the `NEMO_EMULATOR` service
 * binding. Timings are scaled down so that a three-minute generation takes about a second. Each project has its
 * own emulator; within one, files run one at a time because the emulator's switches are global.
 */
/** Generous per-visitor limits for the tests of everything else; test/public runs with the product's own. */
const ROOMY = {
  SESSIONS_PER_DAY: "1000",
  MESSAGES_PER_MINUTE: "1000",
  UPLOADS_AT_ONCE: "100",
  UPLOAD_BYTES_AT_ONCE: String(10 * 1024 ** 3),
  EXPORTS_AT_ONCE: "100",
  ANONYMOUS_ACCOUNTS_PER_WEEK: "1000000",
};

function workerProject(name: string, include: string[], bindings: Record<string, string> = {}) {
  return defineProject({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            NEMO_API_BASE: "http://nemo.emulator",
            VISITOR_KEY_SECRET: "test-visitor-key-secret",
            CORS_ORIGINS: "https://allowed.example",
            UPSTREAM_RETRY_AFTER_MS: "60",
            UPSTREAM_BACKOFF_MS: "20",
            KEEPALIVE_MS: "40",
            WORKING_NOTICE_MS: "150",
            TURN_CAP_MS: "3000",
            // Longer than most test turns: their events stay in memory until the turn ends, unless a test waits.
            TURN_BATCH_MS: "2000",
            JOB_TIME_SCALE: "0.005",
            // A single-request upload whose next 256 KiB take longer than this is cut (30 s in the product).
            UPLOAD_STALL_MS: "1000",
            ...bindings,
          },
          serviceBindings: { NEMO_EMULATOR: "nemovideo-emulator" },
          workers: [
            {
              name: "nemovideo-emulator",
              modules: true,
              scriptPath: "./.build/emulator.js",
              compatibilityDate: "2026-10-19",
              bindings: { TIME_SCALE: "0.005", ANON_TOKENS_PER_IP: "0" },
            },
          ],
        },
      }),
    ],
    test: { name, include, fileParallelism: false, testTimeout: 20_000 },
  });
}

export default defineConfig({
  test: {
    projects: [
      workerProject("worker", ["test/worker/**/*.test.ts", "test/emulator/**/*.test.ts"], ROOMY),
      workerProject("operator", ["test/operator/**/*.test.ts"], {
        ...ROOMY,
        NEMO_TOKEN: OPERATOR_TOKEN,
        VISITOR_DAILY_TURNS: "2",
        NETWORK_DAILY_TURNS: "5",
      }),
      // A deployment as the public meets it: NemoVideo's real address (calls still reach the emulator through its
      // binding), a real secret, the product's own limits, and a budget of 5 free accounts.
      workerProject("public", ["test/public/**/*.test.ts"], {
        NEMO_API_BASE: "https://mega-api-prod.nemovideo.ai",
        VISITOR_KEY_SECRET: PUBLIC_SECRET,
        ANONYMOUS_ACCOUNTS_PER_WEEK: "5",
      }),
      // The house itself: import rules, the generated Env type, file sizes.
      defineProject({ test: { name: "structure", include: ["test/structure/**/*.test.ts"], environment: "node" } }),
      // The page in Debian's Chromium against the real stack (vite dev, started by test/browser/stack.ts).
      defineProject({
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/browser/stack.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      }),
    ],
  },
});
