import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Runs a command of node_modules/.bin; its exit status and everything it printed. */
function run(command: string, args: string[]) {
  const result = spawnSync(join("node_modules", ".bin", command), args, { encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function* sources(folder: string): Generator<string> {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(ts|tsx|mjs)$/.test(name)) yield path;
  }
}

describe("the house", () => {
  it("imports run one way: no circles, nemo/ is one door, tables and routes stay with their feature (.dependency-cruiser.cjs)", () => {
    const { status, output } = run("depcruise", ["--config", ".dependency-cruiser.cjs", "--output-type", "err", "worker", "web", "emulator", "dev-worker.ts"]);
    expect(output).toContain("no dependency violations found");
    expect(status).toBe(0);
  });

  it("the picture of the house in docs/architecture.md is drawn from today's imports (npm run house)", async () => {
    const { architectureWithHouse } = await import("./draw-house");
    const { document, drawn } = architectureWithHouse();
    expect(document, "docs/architecture.md's picture is stale: run npm run house").toBe(drawn);
  });

  it("the Env type is what `npm run types` makes of wrangler.toml today", () => {
    const { status, output } = run("wrangler", ["types", "worker-configuration.d.ts", "--include-runtime=false", "--strict-vars=false", "--env-file=.dev.vars.example", "--check"]);
    expect(output, "worker-configuration.d.ts is stale: run npm run types").toContain("up to date");
    expect(status).toBe(0);
  }, 30_000);

  it("no source file is over 300 lines", () => {
    const long = ["worker", "web", "emulator"]
      .flatMap((folder) => [...sources(folder)])
      .map((path) => ({ path, lines: readFileSync(path, "utf8").split("\n").length }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });
});
