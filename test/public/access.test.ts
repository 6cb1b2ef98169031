import { reset } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { settle } from "../../worker/errors";
import { issueKey } from "../../worker/signing";
import { BASE, call, chat, emulator, newSession, newVisitor, useEmulator } from "../helpers";
import { PUBLIC_SECRET } from "./secret";

/**
 * OWASP API1 (object-level authorisation), API2 (authentication), API3 (property-level exposure), API5
 * (function-level authorisation): every route of the OpenAPI document is tried as an attacker would.
 */
useEmulator();
// The deployment-wide budget of free accounts starts afresh for each test.
afterEach(() => reset());

type Operation = { method: string; path: string; secured: boolean };

async function operations(): Promise<Operation[]> {
  const { body } = await call("/openapi.json");
  return Object.entries(body.paths as Record<string, Record<string, { security?: unknown[] }>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      secured: Array.isArray(op.security) && op.security.some((each) => Object.keys(each as object).length > 0),
    })),
  );
}

/** A body that passes validation, so that what refuses is the check under test. */
function bodyFor({ method, path }: Operation): RequestInit {
  if (method === "PUT") return { body: new Uint8Array(8), headers: { "Content-Type": "application/octet-stream" } };
  if (method !== "POST") return {};
  const json: Record<string, unknown> = {
    "/sessions/{id}/messages": { text: "hello" },
    "/sessions/{id}/uploads": { urls: ["https://example.com/a.mp4"] },
    "/sessions/{id}/uploads/resumable": { name: "a.mp4", size: 1000 },
    "/generations": { prompt: "a fox" },
    "/generations/{id}/edit": { prompt: "make it purple" },
  }[path] ?? {};
  return { body: JSON.stringify(json), headers: { "Content-Type": "application/json" } };
}

const fill = (path: string, ids: Record<string, string>) =>
  path
    .replace(/^\/sessions\/\{id\}/, `/sessions/${ids.session}`)
    .replace(/^\/exports\/\{id\}/, `/exports/${ids.export}`)
    .replace(/^\/videos\/\{id\}/, `/videos/${ids.export}`)
    .replace(/^\/generations\/\{id\}/, `/generations/${ids.generation}`)
    .replace("{uploadId}", ids.upload)
    .replace("{partNumber}", "1");

async function ask(op: Operation, ids: Record<string, string>, key?: string) {
  const init = bodyFor(op);
  const headers = new Headers(init.headers);
  if (key) headers.set("Authorization", `Bearer ${key}`);
  return exports.default.fetch(new Request(`${BASE}${fill(op.path, ids)}`, { ...init, method: op.method, headers }));
}

/** A visitor with one of everything: a project with a video, an export, a generation, an upload on its way. */
async function owner() {
  const { key, sessionId, visitorId } = await newSession("en");
  await chat(key, sessionId, "generate a video of a fox in the snow");
  const exported = (await call(`/sessions/${sessionId}/exports`, { method: "POST", key, json: {} })).body;
  const generation = (await call("/generations", { method: "POST", key, json: { prompt: "a cat" } })).body;
  const upload = (await call(`/sessions/${sessionId}/uploads/resumable`, { method: "POST", key, json: { name: "take.mp4", size: 6 * 1024 * 1024 } })).body;
  return { key, visitorId, ids: { session: sessionId, export: exported.exportId, generation: generation.generationId, upload: upload.uploadId } };
}

describe("every route", () => {
  it("API2: every route but the public ones needs a valid key: none, forged, expired or with the development secret is refused", async () => {
    const ids = { session: crypto.randomUUID(), export: "exp_0000000000000000", generation: "gen_0000000000000000", upload: crypto.randomUUID() };
    const visitorId = crypto.randomUUID();
    const bad = [
      undefined,
      await issueKey(visitorId, "a-forged-secret-of-at-least-thirty-two-bytes"),
      await issueKey(visitorId, PUBLIC_SECRET, Date.now() - 31 * 24 * 3600_000),
      await issueKey(visitorId, "promptreel-development-only-secret"),
    ];
    const ops = await operations();
    expect(ops.filter((op) => !op.secured).map((op) => `${op.method} ${op.path}`).sort()).toEqual(["GET /consents/{handle}", "GET /health", "GET /service", "POST /consents/{handle}/deny", "POST /visitors"]);
    for (const op of ops.filter((each) => each.secured))
      for (const key of bad) expect((await ask(op, ids, key)).status, `${op.method} ${op.path}`).toBe(401);
    // The download's other way in is a signature, checked the same way.
    expect((await ask({ method: "GET", path: "/exports/{id}/download", secured: false }, ids)).status).toBe(401);
    // The MCP server, outside the document, checks the key the same way.
    for (const key of bad) {
      const headers = { "Content-Type": "application/json", Host: "localhost", ...(key ? { Authorization: `Bearer ${key}` } : {}) };
      const mcp = await exports.default.fetch(new Request("http://localhost/mcp", { method: "POST", headers, body: "{}" }));
      expect(mcp.status, `/mcp ${key ? "bad key" : "no key"}`).toBe(401);
      expect(mcp.headers.get("WWW-Authenticate")).toMatch(/^Bearer resource_metadata="http:\/\/localhost\/.well-known\/oauth-protected-resource"/);
    }
  });

  it("API1: another visitor's ids answer 404 on every route that takes one, and leave the owner's things as they were", async () => {
    const { key, ids } = await owner();
    const stranger = await newVisitor();
    const before = (await emulator.requests()).length;
    for (const op of (await operations()).filter((each) => each.secured && each.path.includes("{")))
      expect((await ask(op, ids, stranger.key)).status, `${op.method} ${op.path}`).toBe(404);
    expect((await emulator.requests()).slice(before).filter((r) => r.path === "/run_sse" || r.path.includes("/cancel"))).toEqual([]);
    expect((await call(`/uploads/${ids.upload}`, { key })).status).toBe(200);
    expect((await call(`/exports/${ids.export}`, { key })).body.status).not.toBe("cancelled");
  });

  it("API3: no answer carries what only the server may know (NemoVideo's ids, render ids, storage keys, tokens), and extra fields change nothing", async () => {
    const { key, ids } = await owner();
    const upstreamIds = [...new Set((await emulator.requests()).map((r) => /\/me\/(\d{6,})/.exec(r.path)?.[1]).filter(Boolean))];
    expect(upstreamIds.length).toBeGreaterThan(0);
    const answers = await Promise.all(
      ["/sessions", `/sessions/${ids.session}`, `/sessions/${ids.session}/messages`, "/exports", `/exports/${ids.export}`, "/generations", `/uploads/${ids.upload}`].map((path) => call(path, { key })),
    );
    for (const { text } of answers) {
      for (const id of upstreamIds) expect(text).not.toContain(id);
      expect(text).not.toMatch(/render_\d|nmv_usr_|r2UploadId|r2Key|upstreamId|taskId|uploads\//);
    }
    const sneaky = await call("/generations", { method: "POST", key, json: { prompt: "a fox", status: "completed", exportId: ids.export, visitorId: "someone" } });
    expect(sneaky.body.status).toBe("queued");
    expect((await call(`/generations/${sneaky.body.generationId}`, { key })).body.exportId).toBeUndefined();
  });

  it("API5: the emulator's control API is not part of the product: the deployed Worker answers 404 for it", async () => {
    for (const path of ["/__emulator/reset", "/__emulator/config", "/__emulator/tokens"])
      expect((await exports.default.fetch(new Request(`http://localhost${path}`, { method: "POST" }))).status).toBe(404);
  });
});

describe("keys", () => {
  it("a key expires after 30 days; while in use, the page trades it for a fresh one of the same visitor", async () => {
    const { visitorId } = await newVisitor();
    const old = await issueKey(visitorId, PUBLIC_SECRET, Date.now() - 29 * 24 * 3600_000);
    const renewed = await call("/visitors/me/key", { method: "POST", key: old });
    expect(renewed.status).toBe(200);
    expect(renewed.body.visitorId).toBe(visitorId);
    const payload = JSON.parse(atob(renewed.body.key.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    expect(payload.exp * 1000).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);
    expect((await call("/sessions", { key: renewed.body.key })).status).toBe(200);
    const expired = await issueKey(visitorId, PUBLIC_SECRET, Date.now() - 31 * 24 * 3600_000);
    expect((await call("/visitors/me/key", { method: "POST", key: expired })).status).toBe(401);
  });

  it("DELETE /visitors/me forgets everything the README lists, and the visitor's keys are refused from then on", async () => {
    const { key, visitorId, ids } = await owner();
    const stub = env.VISITOR.get(env.VISITOR.idFromName(visitorId));
    const upload = settle(await stub.uploadRead(ids.upload));
    const parts = env.UPLOADS.resumeMultipartUpload(upload.r2Key, upload.r2UploadId);
    await parts.uploadPart(1, new Uint8Array(upload.partSize));
    expect(await env.KV.get(`token:${visitorId}`)).not.toBeNull();
    expect((await call("/visitors/me", { method: "DELETE", key })).status).toBe(204);
    for (const path of ["/sessions", `/sessions/${ids.session}`, "/credits", "/exports", "/generations"]) {
      const refused = await call(path, { key });
      expect(refused.status, path).toBe(401);
      expect(refused.body.error.message).toMatch(/forgotten/);
    }
    const mcp = await exports.default.fetch(new Request("http://localhost/mcp", { method: "POST", headers: { Authorization: `Bearer ${key}`, Host: "localhost" }, body: "{}" }));
    expect(mcp.status).toBe(401);
    expect(await mcp.text()).toMatch(/forgotten/);
    expect(await env.KV.get(`token:${visitorId}`)).toBeNull();
    expect(await env.KV.get(`session:${ids.session}`)).toBeNull();
    await expect(parts.uploadPart(2, new Uint8Array(10))).rejects.toThrow();
    const page = { limit: 20 };
    expect(await stub.sessionList(page)).toEqual({ ok: true, value: { sessions: [], nextCursor: null } });
    expect(await stub.exportList(page)).toEqual({ ok: true, value: { exports: [], nextCursor: null } });
    expect(await stub.generationList(page)).toEqual({ ok: true, value: { generations: [], nextCursor: null } });
    expect(await stub.uploadRead(ids.upload)).toMatchObject({ ok: false, error: { code: "not_found" } });
    // Even past KV's lag, the Object itself makes nothing new for a forgotten visitor.
    expect((await stub.sessionCreate(visitorId, "en")).ok).toBe(false);
  });
});

describe("configuration (API8)", () => {
  /** The Worker as a deployment with these bindings would answer. */
  const deployedWith = async (bindings: Record<string, unknown>, path: string, init: RequestInit = {}) =>
    (await import("../../worker/index")).default.fetch(new Request(`http://localhost${path}`, init), { ...env, ...bindings } as never, {
      waitUntil() {},
      passThroughOnException() {},
    } as never);

  it("a deployment with no secret, or one under 32 bytes, answers every request that it is not set up", async () => {
    for (const secret of [undefined, "x", "thirty-one-bytes-is-not-enough!"])
      for (const path of ["/api/v1/visitors", "/api/v1/health", "/"]) {
        const answer = await deployedWith({ VISITOR_KEY_SECRET: secret }, path, { method: path.endsWith("visitors") ? "POST" : "GET" });
        expect(answer.status, `${secret} ${path}`).toBe(500);
        expect(await answer.json()).toMatchObject({ error: { code: "misconfigured", message: expect.stringMatching(/not set up/) } });
      }
    expect((await deployedWith({}, "/api/v1/visitors", { method: "POST" })).status).toBe(201);
  });

  it("answers carry secure headers, CORS names no stranger, and errors carry no stack", async () => {
    const answer = await exports.default.fetch(new Request(`${BASE}/sessions`, { headers: { Origin: "https://evil.example" } }));
    expect(answer.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(answer.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(answer.headers.get("Strict-Transport-Security")).toBeTruthy();
    expect(await answer.text()).not.toMatch(/at .*\.ts:\d+/);
  });
});
