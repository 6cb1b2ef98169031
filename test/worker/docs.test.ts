import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TurnEvent } from "../../worker/chat/schema";
import { Export } from "../../worker/exports/schema";
import { Generation } from "../../worker/generations/schema";
import { reference } from "../../worker/reference";
import { Video } from "../../worker/videos/schema";

const get = async (path: string, headers: Record<string, string> = {}) => exports.default.fetch(new Request(`http://localhost${path}`, { headers }));
const unescape = (text: string) =>
  text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The reference page's articles: each route's heading, its curl sample, its answer sample and its events. */
async function articles() {
  const page = await (await get("/api/docs")).text();
  return [...page.matchAll(/<article>([\s\S]*?)<\/article>/g)].map(([, body]) => ({
    route: /<span class="method \w+">(\w+)<\/span> <code>\/api\/v1([^<]+)<\/code>/.exec(body)!.slice(1).join(" "),
    curl: unescape(/<pre class="curl"><code>([\s\S]*?)<\/code><\/pre>/.exec(body)?.[1] ?? ""),
    answer: /<pre class="answer"><code>([\s\S]*?)<\/code><\/pre>/.exec(body)?.[1],
    events: [...body.matchAll(/<tr><td><code>(\w+)<\/code><\/td><td>[\s\S]*?<\/td><td><code>([\s\S]*?)<\/code><\/td><\/tr>/g)].map(
      ([, event, data]) => ({ event, data: JSON.parse(unescape(data)) }),
    ),
  }));
}

describe("the API reference (/api/docs)", () => {
  it("comes in the order a person uses the API: visitors, sessions, chat, uploads, exports, videos, then the rest", async () => {
    const page = await (await get("/api/docs")).text();
    const sections = [...page.matchAll(/<h2 id="(\w+)">/g)].map(([, id]) => id);
    expect(sections.slice(0, 6)).toEqual(["visitors", "sessions", "chat", "uploads", "exports", "videos"]);
    expect(sections).toEqual(expect.arrayContaining(["generations", "credits", "health"]));
  });

  it("gives every route of the OpenAPI document a curl sample with real ids, the key where one is needed, and a body", async () => {
    const document = (await (await get("/api/v1/openapi.json")).json()) as { paths: Record<string, Record<string, { security?: unknown }>> };
    const routes = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    const found = await articles();
    expect(found.map((article) => article.route).sort()).toEqual(routes.sort());
    for (const { route, curl } of found) {
      expect(curl, route).toMatch(/^curl /);
      expect(curl, route).toContain('"$BASE/');
      expect(curl, route).not.toMatch(/\{\w+\}/);
      const [method, path] = route.split(" ");
      if (method !== "GET") expect(curl, route).toContain(`-X ${method}`);
      expect(curl.includes("Bearer $KEY"), route).toBe(Boolean(document.paths[path][method.toLowerCase()].security));
    }
    const message = found.find((article) => article.route === "POST /sessions/{id}/messages")!;
    expect(message.curl).toMatch(/-d '\{"text":"a fox running through a snowy forest"\}'/);
  });

  it("its sample answers are valid answers: each one parses with the route's own schema, with no placeholder left", async () => {
    const found = await articles();
    const answer = (route: string) => JSON.parse(unescape(found.find((article) => article.route === route)!.answer!));
    expect(() => Video.parse(answer("GET /videos/{id}"))).not.toThrow();
    for (const video of answer("GET /videos").videos) expect(() => Video.parse(video)).not.toThrow();
    expect(() => Export.parse(answer("GET /exports/{id}"))).not.toThrow();
    expect(() => Generation.parse(answer("GET /generations/{id}"))).not.toThrow();
    for (const { route, answer: sample } of found)
      if (sample) expect(unescape(sample), route).not.toMatch(/"…"|: null\b/);
  });

  it("shows the data of each event a chat reply streams, every one of them, each sample a valid event", async () => {
    const { events } = (await articles()).find((article) => article.route === "POST /sessions/{id}/messages")!;
    const names = TurnEvent.options.map((option) => option.shape.event.value);
    expect(events.map((event) => event.event)).toEqual(names);
    for (const event of events) expect(() => TurnEvent.parse(event), event.event).not.toThrow();
  });
});

describe("the API reference's files, made by `vite build`", () => {
  it("are what the routes make now, answered as the Worker answers: its headers, none of the static assets' own", async () => {
    const made = reference();
    // A conditional or partial request is answered whole, as when the Worker made the files itself.
    const asked = { Origin: "https://allowed.example", "If-None-Match": "*", Range: "bytes=0-9" };
    const document = await get("/api/v1/openapi.json", asked);
    expect(document.status).toBe(200);
    expect(document.headers.get("Content-Type")).toBe("application/json");
    expect(await document.text()).toBe(made["api/v1/openapi.json"]);
    const page = await get("/api/docs", asked);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toBe("text/html; charset=UTF-8");
    expect(page.headers.get("Content-Security-Policy")).toMatch(/^default-src 'none';/);
    expect(await page.text()).toBe(made["api/docs.html"]);
    for (const answer of [document, page]) {
      expect(answer.headers.get("Access-Control-Allow-Origin")).toBe("https://allowed.example");
      expect(answer.headers.get("X-Content-Type-Options")).toBe("nosniff");
      for (const header of ["ETag", "Cache-Control", "Content-Range", "Accept-Ranges"]) expect(answer.headers.get(header), header).toBeNull();
    }
  });

  it("stay out of the static assets' own addresses: /api/docs.html is not an address", async () => {
    expect((await get("/api/docs.html")).status).toBe(404);
  });
});
