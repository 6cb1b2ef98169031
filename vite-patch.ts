import type { Plugin } from "vite";

/**
 * A build step that rewrites one file of a dependency (`file`, a path under node_modules/), to keep what the Worker
 * never runs out of its bundle. `patch` returns the new code, or undefined when the file no longer looks as it
 * expects: the build then stops with `changed`, rather than ship the dependency unpatched or half patched.
 * `workerOnly`: in `vite build`'s Worker environments only (`npm start` and the tests keep the file as it is).
 */
export function patchDependency(
  name: string,
  file: string,
  patch: (code: string) => string | undefined,
  { changed, workerOnly = false }: { changed: string; workerOnly?: boolean },
): Plugin {
  return {
    name,
    enforce: "pre",
    ...(workerOnly ? { apply: "build" as const, applyToEnvironment: (environment) => environment.name !== "client" } : {}),
    transform(code, id) {
      if (!id.includes(`/node_modules/${file}`)) return undefined;
      const patched = patch(code);
      if (patched === undefined) throw new Error(changed);
      return { code: patched, map: null };
    },
  };
}
