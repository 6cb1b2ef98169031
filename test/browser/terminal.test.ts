import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { baseUrl, emulator, resetEmulator } from "./helpers";

const terminal = () => readFileSync(inject("stackLog"), "utf8");

/** The terminal's lines written after `mark` (its length when the test began), once `pattern` has appeared. */
async function linesAfter(mark: number, pattern: RegExp): Promise<string> {
  for (let waited = 0; waited < 5000; waited += 50) {
    const lines = terminal().slice(mark);
    if (pattern.test(lines)) return lines;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return terminal().slice(mark);
}

describe("npm start's terminal", () => {
  it("prints a line per request, with method, path, status and milliseconds, and each error's code; never a key or token", async () => {
    await resetEmulator();
    const mark = terminal().length;
    const visitor = await (await fetch(`${baseUrl}/api/v1/visitors`, { method: "POST" })).json();
    const key = { Authorization: `Bearer ${visitor.key}` };
    const session = await (
      await fetch(`${baseUrl}/api/v1/sessions`, { method: "POST", headers: { ...key, "Content-Type": "application/json" }, body: "{}" })
    ).json();
    await fetch(`${baseUrl}/api/v1/sessions`);
    await fetch(`${baseUrl}/api/v1/sessions/${session.sessionId}/turn?after=7`, { headers: key });
    await fetch(`${baseUrl}/api/v1/exports/exp_0000000000000000/download?v=someone&exp=1&sig=not-a-signature`);

    const lines = await linesAfter(mark, /GET \/api\/v1\/exports\/exp_0+\/download \d{3}/);
    expect(lines).toMatch(/^POST \/api\/v1\/visitors 201 \(\d+ms\)$/m);
    expect(lines).toMatch(/^POST \/api\/v1\/sessions 201 \(\d+ms\)$/m);
    expect(lines).toMatch(/^GET \/api\/v1\/sessions 401 unauthorized \(\d+ms\)$/m);
    expect(lines).toMatch(new RegExp(`^GET /api/v1/sessions/${session.sessionId}/turn 204 \\(\\d+ms\\)$`, "m"));
    expect(lines).toMatch(/^GET \/api\/v1\/exports\/exp_0+\/download 401 unauthorized \(\d+ms\)$/m);
    expect(lines).not.toContain("sig=");
    const tokens = (await emulator("tokens")) as { tokens: { token: string }[] };
    for (const secret of [visitor.key, ...tokens.tokens.map((t) => t.token)]) expect(terminal()).not.toContain(secret);
  });
});
