import type { Bindings } from "./worker/config";
import app from "./worker/index";

export * from "./worker/index";

/**
 * One line per request on `npm start`'s terminal, as `wrangler dev` prints them: method, path, status, the API
 * error's code when it answered one, and milliseconds. Never the query string (a signed download link carries its
 * signature there) and never a header or body, so no key or token reaches the terminal.
 */
async function logged(request: Request, answer: () => Promise<Response>): Promise<Response> {
  const started = Date.now();
  const line = (status: string) => `${request.method} ${new URL(request.url).pathname} ${status} (${Date.now() - started}ms)`;
  try {
    const response = await answer();
    const code = response.status >= 400 ? await errorCode(response) : undefined;
    console.log(line(code ? `${response.status} ${code}` : String(response.status)));
    return response;
  } catch (error) {
    console.error(line("failed"), error instanceof Error ? error.message : error);
    throw error;
  }
}

/** The `code` of an API error body (`{"error":{"code",…}}`), read from a copy of the answer. */
async function errorCode(response: Response): Promise<string | undefined> {
  if (!(response.headers.get("Content-Type") ?? "").includes("application/json")) return undefined;
  const body = (await response.clone().json().catch(() => undefined)) as { error?: { code?: unknown } } | undefined;
  return typeof body?.error?.code === "string" ? body.error.code : undefined;
}

/**
 * The PromptReel Worker as `npm start` (vite dev) runs it: the real app, plus the emulator's control API at
 * `/__emulator/*`, passed through the `NEMO_EMULATOR` binding so that the browser tests (and demos) can reset the
 * emulator, arm faults and change its clock, and a line on the terminal for each request. Only vite.config.ts's
 * serve mode points at this file; a build never includes it.
 */
export default {
  fetch(request: Request, env: Bindings, context: ExecutionContext) {
    return logged(request, async () => {
      if (new URL(request.url).pathname.startsWith("/__emulator/") && env.NEMO_EMULATOR) return env.NEMO_EMULATOR.fetch(request);
      return app.fetch(request, env, context);
    });
  },
} satisfies ExportedHandler<Bindings>;
