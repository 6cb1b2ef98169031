import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../helpers";

useEmulator();

describe("the service around the API", () => {
  it("/health and /api/v1/health answer ok", async () => {
    expect((await call("http://localhost/health")).body).toEqual({ ok: true });
    expect((await call("/health")).body).toEqual({ ok: true });
  });

  it("serves an OpenAPI 3.1 document of every public route", async () => {
    const { body } = await call("/openapi.json");
    expect(body.openapi).toBe("3.1.0");
    for (const path of [
      "/visitors",
      "/credits",
      "/sessions",
      "/sessions/{id}",
      "/sessions/{id}/messages",
      "/sessions/{id}/turn",
      "/sessions/{id}/uploads",
      "/sessions/{id}/claim",
      "/sessions/{id}/exports",
      "/exports",
      "/exports/{id}",
      "/exports/{id}/events",
      "/exports/{id}/download",
      "/exports/{id}/cancel",
      "/generations",
      "/generations/{id}",
      "/generations/{id}/events",
    ])
      expect(Object.keys(body.paths)).toContain(path);
    expect(Object.keys(body.paths["/sessions/{id}/messages"])).toEqual(expect.arrayContaining(["get", "post"]));
    expect(body.components.schemas.Export.properties.status.enum).toEqual(["pending", "processing", "completed", "failed", "cancelled"]);
    expect(body.components.securitySchemes.visitorKey).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("/api/docs is a readable page with every route, and loads nothing from elsewhere", async () => {
    const answer = await call("http://localhost/api/docs");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Content-Type")).toContain("text/html");
    expect(answer.text).toContain("/api/v1/sessions/{id}/messages");
    // Samples name example hosts in their text; nothing is loaded or linked from elsewhere.
    expect(answer.text).not.toMatch(/<script|(src|href)="https?:\/\//);
  });

  it("every answer carries the secure headers, errors included", async () => {
    for (const path of ["http://localhost/health", `http://localhost/api/v1/credits`, "http://localhost/api/v1/nowhere"]) {
      const answer = await call(path);
      expect(answer.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(answer.headers.get("Strict-Transport-Security")).toBeTruthy();
    }
  });

  it("an unknown address answers 404 in the error shape", async () => {
    const answer = await call("/nowhere");
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe("not_found");
  });

  it("CORS: only CORS_ORIGINS may call the API from a browser", async () => {
    const preflight = await call("/visitors", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("says when the videos are sample clips (the built-in stand-in for NemoVideo answers)", async () => {
    expect((await call("/service")).body).toEqual({ sampleClips: true });
  });
});
