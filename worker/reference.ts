import { routes } from "./app";
import { openApiInfo } from "./docs/openapi";
import { renderDocs } from "./docs/page";

/**
 * The API reference's two files, made at build time by vite-reference.ts (which runs this file in Node) and served
 * by worker/docs/routes.ts from the static assets: the OpenAPI document of the routes' zod schemas, as
 * /api/v1/openapi.json, and the page rendered from it, as /api/docs. Keys are paths under dist/client.
 */
export function reference(): Record<string, string> {
  const document = routes.getOpenAPI31Document(openApiInfo) as unknown as Record<string, unknown>;
  return { "api/v1/openapi.json": JSON.stringify(document), "api/docs.html": renderDocs(document) };
}
