import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { readMp4 } from "../emulator/mp4";
import { baseUrl, emulator, npmStartCredits, resetEmulator, runQuickStart } from "./helpers";

beforeEach(async () => {
  await resetEmulator();
  await emulator("config", { anonCredits: npmStartCredits });
});

describe("the README's quick start", () => {
  it("works end to end as written: a video, a tweak in words, an export, your videos, a share page, the MP4, a generation", () => {
    const { script, run, dir } = runQuickStart();
    expect(script).toContain("make it square, 5 seconds");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = run.stdout;
    // Both chat turns ended normally, neither with an error (credits lasted through the tweak).
    expect(out.match(/^event: done$/gm)?.length).toBe(2);
    expect(out).not.toMatch(/^event: error$/m);
    expect(out).not.toMatch(/"reason":"(error|failed)/);
    // The export's stream ended with the completed export and its absolute download address.
    expect(out).toMatch(/"status":"completed"[^\n]*"downloadUrl":"http:\/\/[^"]+\/api\/v1\/exports\/exp_[0-9a-f]{16}\/download\?/);
    // Your videos list it; sharing gave an absolute page that answers.
    expect(out).toMatch(/\{"videos":\[\{"videoId":"exp_[0-9a-f]{16}"/);
    const shareUrl = /\{"shareUrl":"([^"]+)"\}/.exec(out)?.[1];
    expect(shareUrl).toMatch(new RegExp(`^${baseUrl}/v/[A-Za-z0-9_-]{22}$`));
    const mp4 = readFileSync(join(dir, "fox.mp4"));
    expect(mp4.subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect(mp4.length).toBeGreaterThan(10_000);
    // The clip is what the tweak asked for, and what the assistant said: square, 5 seconds.
    expect(readMp4(new Uint8Array(mp4))).toMatchObject({ width: 720, height: 720 });
    expect(Math.round(readMp4(new Uint8Array(mp4)).durationS)).toBe(5);
    // The one-call generation was followed to its end.
    expect(out).toMatch(/"generationId":"gen_[0-9a-f]{16}"[^\n]*"status":"completed"/);
  });
});
