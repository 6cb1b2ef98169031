import { reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { refusalOf } from "../../worker/outbound";
import { call, emulator, newSession, newVisitor, useEmulator } from "../helpers";

/** OWASP API7 (server-side request forgery): where a visitor may make this deployment, or NemoVideo, send a request. */
useEmulator();
// The deployment-wide budget of free accounts starts afresh for each test.
afterEach(() => reset());

/** The places inside a network, each in the spellings an attacker tries. */
const INSIDE = [
  "https://169.254.169.254/latest/meta-data/",
  "https://metadata.google.internal/computeMetadata/v1/",
  "https://metadata.google.internal./computeMetadata/v1/",
  "https://metadata/computeMetadata/v1/",
  "https://10.0.0.7/hook",
  "https://172.16.1.1/hook",
  "https://192.168.1.1/hook",
  "https://100.100.100.200/latest/meta-data",
  "https://127.0.0.1/hook",
  "https://2130706433/hook",
  "https://0x7f.1/hook",
  "https://017700000001/hook",
  "https://0.0.0.0/hook",
  "https://[::1]/hook",
  "https://[::ffff:127.0.0.1]/hook",
  "https://[::ffff:a9fe:a9fe]/hook",
  "https://[fd00:ec2::254]/hook",
  "https://[fe80::1]/hook",
  "https://[64:ff9b::a9fe:a9fe]/hook",
  "https://localhost/hook",
  "https://printer.local/hook",
  "https://db.corp/hook",
  "https://nemo.emulator/__emulator/webhooks",
];

describe("the outbound filter", () => {
  it("refuses every inside destination in every spelling, in a deployment", () => {
    for (const address of INSIDE) expect(refusalOf(address, false), address).toBeDefined();
  });

  it("refuses plain http, and a user name or password, even to a public host", () => {
    expect(refusalOf("http://example.com/hook", false)).toMatch(/https/);
    expect(refusalOf("http://127.0.0.1:8787/hook", false)).toMatch(/https/);
    expect(refusalOf("https://user:pw@example.com/hook", false)).toMatch(/user name/);
  });

  it("lets a public https address through, and in local development http to this machine", () => {
    expect(refusalOf("https://hooks.example.com/promptreel", false)).toBeUndefined();
    expect(refusalOf("https://[2606:4700::1111]/hook", false)).toBeUndefined();
    expect(refusalOf("https://93.184.215.14/hook", false)).toBeUndefined();
    expect(refusalOf("http://127.0.0.1:9000/hook", true)).toBeUndefined();
    expect(refusalOf("http://nemo.emulator/__emulator/webhooks", true)).toBeUndefined();
    expect(refusalOf("http://10.0.0.7/hook", true)).toMatch(/https/);
  });
});

describe("webhooks", () => {
  it("an inside webhookUrl is a 400 in our error shape; nothing is stored and nothing is sent", async () => {
    const { key } = await newVisitor();
    for (const webhookUrl of INSIDE.slice(0, 12)) {
      const refused = await call("/generations", { method: "POST", key, json: { prompt: "a fox", webhookUrl } });
      expect(refused.status, webhookUrl).toBe(400);
      expect(refused.body.error.code).toBe("invalid_request");
      expect(refused.body.error.message).toMatch(/webhookUrl was refused/);
    }
    expect((await call("/generations", { key })).body.generations).toEqual([]);
    expect(await emulator.requests()).toEqual([]);
  });

  it("says only whether a delivery was made, never what the receiver answered", async () => {
    const { key } = await newVisitor();
    const started = await call("/generations", { method: "POST", key, json: { prompt: "a fox", webhookUrl: "https://hooks.example.com/x" } });
    expect(started.status).toBe(202);
    const { body } = await call("/openapi.json");
    expect(body.components.schemas.WebhookState.properties.lastStatus.enum).toEqual(["delivered", "failed"]);
  });
});

describe("uploads by address", () => {
  it("an inside address is refused before NemoVideo is asked to fetch it", async () => {
    const { key, sessionId } = await newSession("en");
    const before = (await emulator.requests()).length;
    for (const url of ["https://169.254.169.254/video.mp4", "https://user:pw@example.com/video.mp4", "https://[::ffff:10.0.0.1]/a.mp4", "http://example.com/a.mp4"]) {
      const refused = await call(`/sessions/${sessionId}/uploads`, { method: "POST", key, json: { urls: [url] } });
      expect(refused.status, url).toBe(400);
      expect(refused.body.error.message).toMatch(/address was refused/);
    }
    expect((await emulator.requests()).slice(before).filter((r) => r.path.startsWith("/api/upload-video"))).toEqual([]);
  });
});
