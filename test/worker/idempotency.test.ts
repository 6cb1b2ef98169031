import { describe, expect, it } from "vitest";
import { call, chat, emulator, newSession, newVisitor, parseSse, useEmulator } from "../helpers";

useEmulator();

const upstream = async (path: string) => (await emulator.requests()).filter((r) => r.method === "POST" && r.path.startsWith(path));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function ended(key: string, id: string, timeoutMs = 12_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call(`/generations/${id}`, { key });
    if (["completed", "failed", "cancelled"].includes(body.status) || Date.now() > deadline) return body;
    await sleep(30);
  }
}
const keyed = (key: string, idempotencyKey: string, path: string, json: unknown) =>
  call(path, { method: "POST", key, json, headers: { "Idempotency-Key": idempotencyKey } });

describe("Idempotency-Key: a retried call starts nothing twice", () => {
  it("a generation sent twice with one key is one generation, one NemoVideo session and one message, answered twice alike", async () => {
    const { key } = await newVisitor();
    const body = { prompt: "a fox running through a snowy forest" };
    const first = await keyed(key, "gen-1", "/generations", body);
    const again = await keyed(key, "gen-1", "/generations", body);
    expect(first.status).toBe(202);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect((await ended(key, first.body.generationId)).status).toBe("completed");
    expect((await call("/generations", { key })).body.generations).toHaveLength(1);
    expect(await upstream("/api/tasks/me/with-session")).toHaveLength(1);
    expect(await upstream("/run_sse")).toHaveLength(1);
  });

  it("an export sent twice with one key is one export and one render at NemoVideo", async () => {
    const { key, sessionId } = await newSession("en");
    expect((await chat(key, sessionId, "a fox running through a snowy forest")).events.at(-1)?.data).toEqual({ reason: "complete" });
    const first = await keyed(key, "exp-1", `/sessions/${sessionId}/exports`, {});
    const again = await keyed(key, "exp-1", `/sessions/${sessionId}/exports`, {});
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.body.exportId).toBe(first.body.exportId);
    expect((await call("/exports", { key })).body.exports).toHaveLength(1);
    expect(await upstream("/api/render/proxy/lambda")).toHaveLength(1);
  });

  it("the same key with another body is refused with 422 idempotency_key_reused, and nothing starts", async () => {
    const { key } = await newVisitor();
    await keyed(key, "k", "/generations", { prompt: "a lighthouse at dusk" });
    const other = await keyed(key, "k", "/generations", { prompt: "a lighthouse at dawn" });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency_key_reused");
    expect(other.body.error.message).toMatch(/another request/);
    const elsewhere = await keyed(key, "k", "/sessions", {});
    expect(elsewhere.status).toBe(422);
    expect((await call("/generations", { key })).body.generations).toHaveLength(1);
  });

  it("another visitor's same key is its own", async () => {
    const one = await newVisitor();
    const two = await newVisitor();
    const body = { prompt: "a paper boat on a rainy street" };
    const first = await keyed(one.key, "shared-key", "/generations", body);
    const second = await keyed(two.key, "shared-key", "/generations", body);
    expect(second.status).toBe(202);
    expect(second.headers.get("Idempotent-Replayed")).toBeNull();
    expect(second.body.generationId).not.toBe(first.body.generationId);
    expect((await call(`/generations/${first.body.generationId}`, { key: two.key })).status).toBe(404);
  });

  it("a message sent again with its key answers the same turn from its start, and NemoVideo hears it once", async () => {
    const { key, sessionId } = await newSession("en");
    const send = async () => {
      const answer = await keyed(key, "msg-1", `/sessions/${sessionId}/messages`, { text: "a heron in a misty pond" });
      return { ...answer, ...parseSse(answer.text) };
    };
    const first = await send();
    const again = await send();
    expect(first.events.at(-1)?.data).toEqual({ reason: "complete" });
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    expect(again.events).toEqual(first.events);
    expect((await upstream("/run_sse")).filter((r) => r.body?.includes("a heron in a misty pond"))).toHaveLength(1);
    const conversation = await call(`/sessions/${sessionId}/messages`, { key });
    expect(conversation.body.messages.filter((m: any) => m.role === "user")).toHaveLength(1);
  });

  it("two requests at once with one key start one generation: the other is told to wait (409) or gets the first answer", async () => {
    const { key } = await newVisitor();
    const body = { prompt: "a kite over the dunes" };
    const answers = await Promise.all([keyed(key, "twin", "/generations", body), keyed(key, "twin", "/generations", body)]);
    const fresh = answers.filter((a) => a.status === 202 && !a.headers.get("Idempotent-Replayed"));
    expect(fresh).toHaveLength(1);
    for (const other of answers.filter((a) => a !== fresh[0])) {
      if (other.status === 409) expect(other.body.error.code).toBe("idempotency_in_progress");
      else expect(other.body).toEqual(fresh[0].body);
    }
    expect((await call("/generations", { key })).body.generations).toHaveLength(1);
  });

  it("a call that failed on NemoVideo's side leaves its key free, so that the retry can succeed", async () => {
    const { key } = await newVisitor();
    await emulator.fault("server-error", { match: { path: "/api/tasks/me/with-session" }, params: { status: 503 } });
    const failed = await keyed(key, "retry-me", "/sessions", {});
    expect(failed.status).toBeGreaterThanOrEqual(500);
    const retried = await keyed(key, "retry-me", "/sessions", {});
    expect(retried.status).toBe(201);
    expect(retried.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("a key that is not 1–255 visible ASCII characters is refused at the edge with 400", async () => {
    const { key } = await newVisitor();
    for (const bad of ["has space", "x".repeat(256)]) {
      const answer = await keyed(key, bad, "/generations", { prompt: "a fox" });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/Idempotency-Key/);
    }
    expect(await upstream("/run_sse")).toHaveLength(0);
  });
});
