import { cloudflare } from "@cloudflare/vite-plugin";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

/**
 * `npm start` (vite dev) runs the page, the Worker, its Durable Object and the embedded NemoVideo emulator in
 * one process; the Worker reaches the emulator through the `NEMO_EMULATOR` service binding added here.
 * `vite build` leaves both out: the deployed Worker talks to NEMO_API_BASE only.
 */
export default defineConfig(({ command }) => ({
  plugins: [
    preact(),
    cloudflare({
      configPath: "./wrangler.toml",
      inspectorPort: false,
      config:
        command === "serve"
          ? (worker) => ({
              vars: { ...worker.vars, NEMO_API_BASE: "http://nemo.emulator" },
              services: [...(worker.services ?? []), { binding: "NEMO_EMULATOR", service: "nemovideo-emulator" }],
            })
          : undefined,
      auxiliaryWorkers: [{ configPath: "./emulator/wrangler.toml", devOnly: true }],
    }),
  ],
}));
