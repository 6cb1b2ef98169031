import type { Bindings } from "./worker/config";
import app from "./worker/index";

export * from "./worker/index";

/**
 * The PromptReel Worker as `npm start` (vite dev) runs it: the real app, plus the emulator's control API at
 * `/__emulator/*`, passed through the `NEMO_EMULATOR` binding so that the browser tests (and demos) can reset the
 * emulator, arm faults and change its clock. Only vite.config.ts's serve mode points at this file; a build never
 * includes it.
 */
export default {
  fetch(request: Request, env: Bindings, context: ExecutionContext) {
    if (new URL(request.url).pathname.startsWith("/__emulator/") && env.NEMO_EMULATOR)
      return env.NEMO_EMULATOR.fetch(request);
    return app.fetch(request, env, context);
  },
} satisfies ExportedHandler<Bindings>;
