import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { call, emulator, newSession, newVisitor, useEmulator } from "../helpers";

useEmulator();

describe("visitors and keys", () => {
  it("POST /visitors issues a visitor id and a signed key", async () => {
    const answer = await call("/visitors", { method: "POST" });
    expect(answer.status).toBe(201);
    expect(answer.body.visitorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.body.key.split(".")).toHaveLength(3);
  });

  it("calls without a key, or with a forged one, answer 401 in words", async () => {
    const none = await call("/credits");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("unauthorized");
    expect(none.body.error.message).toMatch(/visitor key/);
    const { key } = await newVisitor();
    const [header, , signature] = key.split(".");
    const forgedPayload = btoa(JSON.stringify({ sub: crypto.randomUUID(), iat: 1 })).replace(/=+$/, "");
    const forged = await call("/credits", { key: `${header}.${forgedPayload}.${signature}` });
    expect(forged.status).toBe(401);
  });

  it("a key is an HS256 JWT as hono/jwt made them: those still work, one not yet valid, expired, of another algorithm or with `crit` is refused", async () => {
    const { visitorId, key } = await newVisitor();
    const secret = "test-visitor-key-secret";
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: visitorId, iat: now, exp: now + 3600 };
    const status = async (key: string) => (await call("/videos", { key })).status;
    const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const part = (value: object) => base64url(new TextEncoder().encode(JSON.stringify(value)));
    /** A token with this header and these claims, signed with the right secret. */
    const signedWith = async (header: object, body: object = claims) => {
      const hmac = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const signed = `${part(header)}.${part(body)}`;
      return `${signed}.${base64url(new Uint8Array(await crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(signed))))}`;
    };
    expect(key.split(".")[0]).toBe(part({ alg: "HS256", typ: "JWT" }));
    expect(await status(await sign(claims, secret, "HS256"))).toBe(200);
    expect(await status(await sign({ sub: visitorId, iat: now - 60 }, secret, "HS256"))).toBe(200);
    expect(await status(await signedWith({ alg: "HS256" }))).toBe(200);
    for (const [what, refused] of [
      ["issued in the future", await sign({ ...claims, iat: now + 600 }, secret, "HS256")],
      ["not before the future", await sign({ ...claims, nbf: now + 600 }, secret, "HS256")],
      ["expired", await sign({ ...claims, exp: now - 1 }, secret, "HS256")],
      ["an expiry that is no number", await signedWith({ alg: "HS256", typ: "JWT" }, { ...claims, exp: String(now + 3600) })],
      ["HS512", await sign(claims, secret, "HS512")],
      ["alg none", `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`],
      ["crit", await signedWith({ alg: "HS256", typ: "JWT", crit: ["exp"] })],
      ["another type", await signedWith({ alg: "HS256", typ: "at+jwt" })],
      ["an algorithm that is no JWT's", await signedWith({ alg: "HMAC", typ: "JWT" })],
      ["four parts", `${await sign(claims, secret, "HS256")}.x`],
    ])
      expect(await status(refused), what).toBe(401);
  });

  it("a visitor's first call gets it an anonymous token for its own client id; later calls reuse it", async () => {
    const { visitorId, key } = await newVisitor();
    expect((await call("/credits", { key })).body).toEqual({ available: 100, frozen: 0, total: 100 });
    await call("/credits", { key });
    await call("/sessions", { method: "POST", key, json: {} });
    const tokenRequests = (await emulator.requests()).filter((r) => r.path === "/api/auth/anonymous-token");
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0].headers["x-client-id"]).toBe(visitorId);
  });

  it("many simultaneous first calls of one visitor make a single anonymous-token request", async () => {
    const { key } = await newVisitor();
    const answers = await Promise.all(Array.from({ length: 8 }, () => call("/credits", { key })));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    const tokenRequests = (await emulator.requests()).filter((r) => r.path === "/api/auth/anonymous-token");
    expect(tokenRequests).toHaveLength(1);
  });

  it("every upstream call carries the attribution headers", async () => {
    const { key, sessionId } = await newSession("en");
    await call(`/sessions/${sessionId}`, { key });
    await call("/credits", { key });
    await call(`/sessions/${sessionId}/claim`, { key });
    const log = await emulator.requests();
    expect(log.length).toBeGreaterThan(3);
    for (const request of log.filter((r) => !r.path.startsWith("/__emulator"))) {
      expect(request.headers["x-skill-source"]).toBe("promptreel");
      expect(request.headers["x-skill-version"]).toBeTruthy();
      expect(request.headers["x-skill-platform"]).toBeTruthy();
    }
  });
});

describe("isolation", () => {
  it("a visitor cannot see, read, chat in, upload to or claim another visitor's session: 404 like a stranger's", async () => {
    const owner = await newSession();
    const other = await newVisitor();
    const paths = [
      ["GET", `/sessions/${owner.sessionId}`],
      ["GET", `/sessions/${owner.sessionId}/claim`],
      ["POST", `/sessions/${owner.sessionId}/messages`],
      ["POST", `/sessions/${owner.sessionId}/uploads`],
    ] as const;
    for (const [method, path] of paths) {
      const answer = await call(path, {
        method,
        key: other.key,
        json: method === "POST" ? (path.endsWith("messages") ? { text: "hi" } : { urls: ["https://example.com/a.mp4"] }) : undefined,
      });
      expect(answer.status, path).toBe(404);
      expect(answer.body.error.code).toBe("not_found");
    }
    const unknown = await call(`/sessions/${crypto.randomUUID()}`, { key: other.key });
    expect(unknown.status).toBe(404);
    expect((await call("/sessions", { key: other.key })).body.sessions).toEqual([]);
    expect((await call("/sessions", { key: owner.key })).body.sessions).toHaveLength(1);
  });
});

describe("abuse limits at the edge", () => {
  it("an address may create only a few visitors a minute", async () => {
    const headers = { "CF-Connecting-IP": "203.0.113.9" };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await call("/visitors", { method: "POST", headers })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(statuses.at(-1)).toBe(429);
    const refused = await call("/visitors", { method: "POST", headers });
    expect(refused.body.error.message).toMatch(/wait a minute/);
    expect((await call("/visitors", { method: "POST", headers: { "CF-Connecting-IP": "203.0.113.10" } })).status).toBe(201);
  });

  it("CORS: an origin in CORS_ORIGINS may call the API from a browser", async () => {
    const preflight = await call("/visitors", {
      method: "OPTIONS",
      headers: { Origin: "https://allowed.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("https://allowed.example");
  });
});
