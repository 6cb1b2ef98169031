import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** `npm run deploy` (deploy.mjs) refuses before it builds or uploads anything. */
const deploy = (env: Record<string, string>) =>
  spawnSync(process.execPath, ["deploy.mjs", "--dry-run"], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 20_000 });

describe("npm run deploy", () => {
  it("refuses a VISITOR_KEY_SECRET under 32 bytes, saying how to make one, before building", () => {
    const refused = deploy({ VISITOR_KEY_SECRET: "too-short" });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/not deploying\. VISITOR_KEY_SECRET is 9 bytes; it must be at least 32/);
    expect(refused.stdout).not.toMatch(/vite|building/i);
  });
});
