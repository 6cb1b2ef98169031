import { reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { issueKey } from "../../worker/signing";
import { type Answer, call, emulator, useEmulator } from "../helpers";
import { PUBLIC_SECRET } from "./secret";

/**
 * OWASP API6 (sensitive business flows) and API4: what one client network may take of what everybody shares. The
 * `public` project's budget is 5 free accounts a week for the deployment, 3 a network (the product's default).
 * Every test uses networks of its own: the new-visitor limiter's counts outlive a test.
 */
useEmulator();
afterEach(() => reset());

const from = (address: string) => ({ "CF-Connecting-IP": address });
const tokenAsks = async () => (await emulator.requests()).filter((r) => r.path === "/api/auth/anonymous-token");

async function visitorFrom(address: string): Promise<{ visitorId: string; key: string }> {
  const answer = await call("/visitors", { method: "POST", headers: from(address) });
  expect(answer.status).toBe(201);
  return answer.body;
}

/** The visitor's first use of its account (the page asks for its credits), from `address`. */
const credits = (key: string, address: string) => call("/credits", { key, headers: from(address) });

function expectNetworkShareSpent(answer: Answer) {
  expect(answer.status).toBe(503);
  const error = answer.body.error;
  expect(error.code).toBe("accounts_exhausted");
  expect(error.message).toMatch(/your network.*3 every 7 days.*register with NemoVideo/s);
  expect(error.link).toBe("https://nemovideo.com/register");
  expect(error.retryAt).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600_000);
  expect(Number(answer.headers.get("Retry-After"))).toBeGreaterThan(6.9 * 24 * 3600);
}

describe("the week's free accounts, shared fairly between networks", () => {
  it("ten visitors of one address take three accounts; a visitor of another address still gets one", async () => {
    const statuses = [];
    for (let i = 0; i < 10; i++) {
      const { key } = await visitorFrom("198.51.100.7");
      const answer = await credits(key, "198.51.100.7");
      statuses.push(answer.status);
      if (i >= 3) expectNetworkShareSpent(answer);
    }
    expect(statuses).toEqual([200, 200, 200, 503, 503, 503, 503, 503, 503, 503]);
    const elsewhere = await visitorFrom("203.0.113.9");
    expect((await credits(elsewhere.key, "203.0.113.9")).status).toBe(200);
    expect(await tokenAsks()).toHaveLength(4);
  });

  it("an IPv6 network is its /56: visitors from different /64s of it share its three", async () => {
    for (const address of ["2001:db8:5:100::1", "2001:db8:5:1a0::1", "2001:db8:5:1ff:ffff::9"]) {
      const { key } = await visitorFrom(address);
      expect((await credits(key, address)).status).toBe(200);
    }
    const fourth = await visitorFrom("2001:db8:5:142::7");
    expectNetworkShareSpent(await credits(fourth.key, "2001:db8:5:142::7"));
    const mapped = await visitorFrom("::ffff:198.51.100.80");
    expect((await credits(mapped.key, "198.51.100.80")).status).toBe(200);
  });

  it("a visitor counts to the network it was made in: asking from elsewhere, or with a renewed key, changes nothing", async () => {
    for (let i = 0; i < 3; i++) {
      const { key } = await visitorFrom("198.51.100.20");
      expect((await credits(key, "198.51.100.20")).status).toBe(200);
    }
    const moved = await visitorFrom("198.51.100.20");
    const renewed = await call("/visitors/me/key", { method: "POST", key: moved.key, headers: from("203.0.113.20") });
    expect(renewed.status).toBe(200);
    expectNetworkShareSpent(await credits(renewed.body.key, "203.0.113.20"));
    expectNetworkShareSpent(await credits(moved.key, "203.0.113.21"));
  });

  it("a key from before networks were carried counts to the address it asks from", async () => {
    for (let i = 0; i < 3; i++) {
      const key = await issueKey(crypto.randomUUID(), PUBLIC_SECRET);
      expect((await credits(key, "198.51.100.30")).status).toBe(200);
    }
    expectNetworkShareSpent(await credits(await issueKey(crypto.randomUUID(), PUBLIC_SECRET), "198.51.100.30"));
    expect((await credits(await issueKey(crypto.randomUUID(), PUBLIC_SECRET), "198.51.100.31")).status).toBe(200);
  });

  it("an account made with nobody asking (a generation's first step, in the alarm) counts to the visitor's network too", async () => {
    for (let i = 0; i < 3; i++) {
      const { key } = await visitorFrom("198.51.100.40");
      expect((await credits(key, "198.51.100.40")).status).toBe(200);
    }
    const { key } = await visitorFrom("198.51.100.40");
    const started = await call("/generations", { method: "POST", key, json: { prompt: "a fox" }, headers: from("198.51.100.40") });
    expect(started.status).toBe(202);
    let generation = started.body;
    for (let i = 0; i < 200 && !["completed", "failed"].includes(generation.status); i++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      generation = (await call(`/generations/${started.body.generationId}`, { key })).body;
    }
    expect(generation.status).toBe("failed");
    expect(generation.error).toMatchObject({ code: "accounts_exhausted", message: expect.stringMatching(/your network/) });
    expect(await tokenAsks()).toHaveLength(3);
  });
});

describe("new visitors from one network", () => {
  it("the tenth new visitor of a minute from one /64 is refused, whichever address of it asks", async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 12; i++) statuses.push((await call("/visitors", { method: "POST", headers: from(`2001:db8:aa:bb::${i.toString(16)}`) })).status);
    expect(statuses.slice(0, 10).every((status) => status === 201)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect((await call("/visitors", { method: "POST", headers: from("2001:db8:aa:cc::1") })).status).toBe(201);
  });

  it("walking a /56: twelve of its /64s, two new visitors each, get 20 in the minute, and the rest are refused with when", async () => {
    const answers = [];
    for (let i = 0; i < 12; i++)
      for (const host of ["1", "2"]) answers.push(await call("/visitors", { method: "POST", headers: from(`2001:db8:ee:ab${i.toString(16).padStart(2, "0")}::${host}`) }));
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(20);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused).toHaveLength(4);
    for (const answer of refused) {
      expect(answer.body.error.retryAt).toBeGreaterThan(Date.now());
      expect(Number(answer.headers.get("Retry-After"))).toBeGreaterThan(0);
    }
    expect((await call("/visitors", { method: "POST", headers: from("2001:db8:ee:ac00::1") })).status).toBe(201);
  });
});
