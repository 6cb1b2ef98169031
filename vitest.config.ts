import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Tests run inside workerd: the PromptReel Worker from wrangler.toml, and the NemoVideo emulator as a second
 * Worker (bundled by `emulator/build.mjs`, see the `pretest` script) reached through the `NEMO_EMULATOR` service
 * binding. Timings are scaled down so that a three-minute generation takes about a second.
 */
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          NEMO_API_BASE: "http://nemo.emulator",
          VISITOR_KEY_SECRET: "test-visitor-key-secret",
          UPSTREAM_RETRY_AFTER_MS: "60",
          KEEPALIVE_MS: "40",
          WORKING_NOTICE_MS: "150",
          TURN_CAP_MS: "3000",
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
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "node_modules/**"],
    // One emulator serves every test file; its fault switches are global, so files run one at a time.
    fileParallelism: false,
    testTimeout: 20_000,
  },
});
