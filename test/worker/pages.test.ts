import { env, exports } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import app from "../../worker/index";
import { frameAncestors } from "../../worker/pages/routes";

const directive = (policy: string | null, name: string) =>
  policy
    ?.split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name} `));

/** The real Worker, with EMBED_ORIGINS set as a deployment would set it. */
const withEmbedOrigins = (embedOrigins: string, path = "/") =>
  app.fetch(new Request(`http://localhost${path}`), { ...env, EMBED_ORIGINS: embedOrigins }, createExecutionContext());

describe("the page's headers", () => {
  it("every page address answers the app with its Content-Security-Policy and no X-Frame-Options", async () => {
    for (const path of ["/", "/videos", "/sessions/some-id", "/?embed=1&origin=https%3A%2F%2Fhost.example"]) {
      const page = await exports.default.fetch(new Request(`http://localhost${path}`));
      expect(page.status).toBe(200);
      expect(page.headers.get("Content-Type")).toContain("text/html");
      expect(await page.text()).toContain('<div id="app">');
      const policy = page.headers.get("Content-Security-Policy");
      expect(directive(policy, "default-src")).toBe("default-src 'self'");
      expect(directive(policy, "script-src")).toBe("script-src 'self'");
      expect(directive(policy, "connect-src")).toBe("connect-src 'self'");
      expect(directive(policy, "object-src")).toBe("object-src 'none'");
      expect(directive(policy, "base-uri")).toBe("base-uri 'none'");
      expect(directive(policy, "frame-ancestors")).toBe("frame-ancestors *");
      expect(page.headers.get("X-Frame-Options")).toBeNull();
      expect(page.headers.get("X-Content-Type-Options")).toBe("nosniff");
    }
  });

  it("a revalidated page (304) carries the policy too, so a cached page takes a changed EMBED_ORIGINS", async () => {
    const first = await exports.default.fetch(new Request("http://localhost/"));
    await first.text();
    const etag = first.headers.get("ETag");
    expect(etag).toBeTruthy();
    const again = await exports.default.fetch(new Request("http://localhost/", { headers: { "If-None-Match": etag! } }));
    expect(again.status).toBe(304);
    expect(directive(again.headers.get("Content-Security-Policy"), "frame-ancestors")).toBe("frame-ancestors *");
    expect(again.headers.get("X-Frame-Options")).toBeNull();
  });

  it("EMBED_ORIGINS becomes frame-ancestors: a list, anyone, or the page's own origin only", async () => {
    const listed = await withEmbedOrigins("https://a.example, https://b.example/");
    expect(directive(listed.headers.get("Content-Security-Policy"), "frame-ancestors")).toBe(
      "frame-ancestors 'self' https://a.example https://b.example",
    );
    const anyone = await withEmbedOrigins("*");
    expect(directive(anyone.headers.get("Content-Security-Policy"), "frame-ancestors")).toBe("frame-ancestors *");
    const nobody = await withEmbedOrigins("");
    expect(directive(nobody.headers.get("Content-Security-Policy"), "frame-ancestors")).toBe("frame-ancestors 'self'");
    expect(nobody.headers.get("X-Frame-Options")).toBeNull();
  });

  it("EMBED_ORIGINS may separate origins with spaces and use wildcard subdomains", () => {
    expect(frameAncestors("https://*.example.com  http://localhost:8080")).toBe(
      "'self' https://*.example.com http://localhost:8080",
    );
    expect(frameAncestors("https://a.example,*")).toBe("*");
  });

  it("the API keeps X-Frame-Options and carries no page policy; its reference page has a strict policy of its own, framed by itself only", async () => {
    const api = await withEmbedOrigins("https://a.example", "/api/v1/health");
    expect(api.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
    expect(api.headers.get("Content-Security-Policy")).toBeNull();
    const docs = await withEmbedOrigins("https://a.example", "/api/docs");
    const policy = docs.headers.get("Content-Security-Policy");
    expect(directive(policy, "default-src")).toBe("default-src 'none'");
    expect(directive(policy, "frame-ancestors")).toBe("frame-ancestors 'self'");
    expect(policy).not.toContain("a.example");
  });

  it("an unknown API address is still a JSON 404, not the page", async () => {
    const answer = await exports.default.fetch(new Request("http://localhost/api/v1/nowhere"));
    expect(answer.status).toBe(404);
    expect((await answer.json()) as unknown).toMatchObject({ error: { code: "not_found" } });
  });

  it("/embed.js is the widget loader, a classic script under 2 KB gzipped", async () => {
    const answer = await exports.default.fetch(new Request("http://localhost/embed.js"));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Content-Type")).toContain("javascript");
    expect(answer.headers.get("Content-Security-Policy")).toBeNull();
    const code = await answer.text();
    expect(code).toContain("document.currentScript");
    expect(code).not.toMatch(/^\s*(import|export)\b/m);
    const gzipped = await new Response(new Blob([code]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
    expect(gzipped.byteLength).toBeLessThan(2048);
  });
});
