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

/**
 * IPv6 spellings that carry an IPv4 address inside, each with an inside IPv4 (RFC 4291 compatible and mapped,
 * RFC 6145 translated, RFC 6052 and 8215 NAT64, RFC 3056 6to4, RFC 4380 Teredo with its server or its obfuscated
 * client, RFC 5214 ISATAP with a public prefix).
 */
const CARRIED: Record<string, string[]> = {
  "IPv4-compatible (::/96)": ["https://[::a9fe:a9fe]/hook", "https://[::127.0.0.1]/hook", "https://[::10.0.0.1]/hook"],
  "IPv4-mapped (::ffff:0:0/96)": ["https://[::ffff:10.0.0.1]/hook", "https://[::ffff:169.254.169.254]/hook"],
  "IPv4-translated (::ffff:0:0:0/96)": ["https://[::ffff:0:a9fe:a9fe]/hook", "https://[::ffff:0:127.0.0.1]/hook"],
  "NAT64 (64:ff9b::/96)": ["https://[64:ff9b::10.0.0.1]/hook", "https://[64:ff9b::127.0.0.1]/hook"],
  "local NAT64 (64:ff9b:1::/48)": ["https://[64:ff9b:1::a9fe:a9fe]/hook", "https://[64:ff9b:1:a:b::10.0.0.1]/hook"],
  "6to4 (2002::/16)": ["https://[2002:a9fe:a9fe::1]/hook", "https://[2002:7f00:1::]/hook", "https://[2002:a00:1:1::5]/hook"],
  "Teredo (2001::/32), server": ["https://[2001:0:a00:1::]/hook", "https://[2001:0:a9fe:a9fe:8000:63bf:3fff:fdd2]/hook"],
  "Teredo (2001::/32), client": ["https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook", "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook"],
  "ISATAP (…:0:5efe:a.b.c.d)": ["https://[2606:4700:10::5efe:a9fe:a9fe]/hook", "https://[2606:4700:10::200:5efe:10.0.0.1]/hook"],
};

describe("the outbound filter", () => {
  it("refuses every inside destination in every spelling, in a deployment", () => {
    for (const address of INSIDE) expect(refusalOf(address, false), address).toBeDefined();
  });

  for (const [spelling, addresses] of Object.entries(CARRIED))
    it(`refuses an inside IPv4 carried in IPv6: ${spelling}`, () => {
      for (const address of addresses) expect(refusalOf(address, false), address).toMatch(/inside a private network/);
    });

  it("judges an IPv4-mapped address by its IPv4, and refuses the other carriers whatever IPv4 they carry", () => {
    expect(refusalOf("https://[::ffff:93.184.215.14]/hook", false)).toBeUndefined();
    for (const address of [
      "https://[::93.184.215.14]/hook",
      "https://[::ffff:0:93.184.215.14]/hook",
      "https://[64:ff9b::93.184.215.14]/hook",
      "https://[2002:5db8:d70e::1]/hook",
      "https://[2001:0:5db8:d70e::1]/hook",
      "https://[2606:4700:10::5efe:93.184.215.14]/hook",
    ])
      expect(refusalOf(address, false), address).toBeDefined();
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

  it("every IPv6 spelling that carries an inside IPv4 is refused as a webhook, before anything is stored or sent", async () => {
    const { key } = await newVisitor();
    for (const webhookUrl of Object.values(CARRIED).flat()) {
      const refused = await call("/generations", { method: "POST", key, json: { prompt: "a fox", webhookUrl } });
      expect(refused.status, webhookUrl).toBe(400);
      expect(refused.body.error.message).toMatch(/webhookUrl was refused: it points inside a private network/);
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

  it("every IPv6 spelling that carries an inside IPv4 is refused as a file's address, before NemoVideo is asked to fetch it", async () => {
    const { key, sessionId } = await newSession("en");
    const before = (await emulator.requests()).length;
    for (const address of Object.values(CARRIED).flat()) {
      const url = address.replace("/hook", "/clip.mp4");
      const refused = await call(`/sessions/${sessionId}/uploads`, { method: "POST", key, json: { urls: [url] } });
      expect(refused.status, url).toBe(400);
      expect(refused.body.error.message).toMatch(/address was refused: it points inside a private network/);
    }
    expect((await emulator.requests()).slice(before).filter((r) => r.path.startsWith("/api/upload-video"))).toEqual([]);
  });
});
