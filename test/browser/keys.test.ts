import { sign } from "hono/jwt";
import { beforeEach, describe, expect, it } from "vitest";
import { resetEmulator, useBrowser } from "./helpers";

/** Keys expire 30 days after they are issued; the page trades one for a fresh key of the same visitor while in use. */
const open = useBrowser();
beforeEach(resetEmulator);

const KEY = "promptreel:visitorKey";
const payloadOf = (key: string) => JSON.parse(Buffer.from(key.split(".")[1], "base64url").toString());

describe("the visitor key", () => {
  it("a key a few days old is traded for a fresh one of the same visitor when the page opens, and the visitor keeps its project", async () => {
    const page = await open("/");
    await page.getByRole("button", { name: "a fox running through a snowy forest" }).waitFor();
    const first = (await page.evaluate((name) => localStorage.getItem(name), KEY))!;
    const { sub } = payloadOf(first);
    const session = await page.evaluate(() => localStorage.getItem("promptreel:session"));
    // The same visitor's key as it was issued five days ago (npm start signs with the development secret).
    const iat = Math.floor(Date.now() / 1000) - 5 * 24 * 3600;
    const aged = await sign({ sub, iat, exp: iat + 30 * 24 * 3600 }, "promptreel-development-only-secret", "HS256");
    await page.evaluate(([name, key]) => localStorage.setItem(name, key), [KEY, aged]);
    await page.reload();
    await page.getByRole("button", { name: "a fox running through a snowy forest" }).waitFor();
    const renewed = (await page.evaluate((name) => localStorage.getItem(name), KEY))!;
    expect(renewed).not.toBe(aged);
    expect(payloadOf(renewed)).toMatchObject({ sub });
    expect(payloadOf(renewed).iat).toBeGreaterThan(iat + 4 * 24 * 3600);
    expect(await page.evaluate(() => localStorage.getItem("promptreel:session"))).toBe(session);
    await page.context().close();
  });
});
