import { html, raw } from "hono/html";
import { answerOf, byUse, curlOf, sampleOf } from "./samples";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => !!value && typeof value === "object" && !Array.isArray(value);

/** A schema as a one-line type: `{ text: string, language?: string }`, following `$ref`s. */
function typeOf(schema: unknown, components: Json, depth = 0): string {
  if (!isObject(schema) || depth > 4) return "…";
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.split("/").pop()!;
    return depth > 0 ? name : typeOf((components.schemas as Json)?.[name], components, depth);
  }
  if (Array.isArray(schema.anyOf ?? schema.oneOf))
    return ((schema.anyOf ?? schema.oneOf) as unknown[]).map((s) => typeOf(s, components, depth + 1)).join(" | ");
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.type === "array") return `${typeOf(schema.items, components, depth + 1)}[]`;
  if (schema.type === "object" || isObject(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const fields = Object.entries((schema.properties as Json) ?? {}).map(
      ([key, value]) => `${key}${required.has(key) ? "" : "?"}: ${typeOf(value, components, depth + 1)}`,
    );
    return `{ ${fields.join(", ")} }`;
  }
  return String(schema.format === "binary" ? "file" : (schema.type ?? "any"));
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Text with `code` spans, escaped. */
const prose = (text: unknown) => raw(escape(String(text ?? "")).replace(/`([^`]+)`/g, "<code>$1</code>"));

/**
 * The readable API reference at /api/docs, rendered on the server from the same OpenAPI document as
 * /api/v1/openapi.json: no script, nothing fetched from elsewhere, a few kilobytes.
 */
export function renderDocs(document: Json): string {
  const components = (document.components as Json) ?? {};
  const info = (document.info as Json) ?? {};
  const operations: { tag: string; method: string; path: string; op: Json }[] = [];
  for (const [path, item] of Object.entries((document.paths as Json) ?? {}))
    for (const [method, op] of Object.entries(item as Json))
      if (isObject(op)) operations.push({ tag: String((op.tags as string[])?.[0] ?? "Other"), method, path, op });
  const tags = [...new Set(operations.map((o) => o.tag))].sort(byUse);

  const pretty = (value: unknown) => JSON.stringify(value, null, 2);
  const answer = (op: Json) => {
    const sample = answerOf(op, components);
    if (!sample || (sample.json === undefined && !sample.events)) return "";
    if (sample.events)
      return html`<table class="events"><caption>Its events (<code>event:</code> then <code>data:</code>, one JSON line)</caption>
        <tr><th>event</th><th>data</th><th>for example</th></tr>
        ${sample.events.map(
          ({ event, data }) =>
            html`<tr><td><code>${event}</code></td><td><code>${typeOf(data, components)}</code></td><td><code>${JSON.stringify(sampleOf(data, components))}</code></td></tr>`,
        )}
      </table>`;
    return html`<p class="answer-head">Answers <b>${sample.status}</b>, for example:</p><pre class="answer"><code>${pretty(sample.json)}</code></pre>`;
  };

  const section = (tag: string) => html`<section>
    <h2 id="${tag.toLowerCase()}">${tag}</h2>
    ${operations
      .filter((o) => o.tag === tag)
      .map(({ method, path, op }) => {
        const body = isObject(op.requestBody) ? (op.requestBody.content as Json) : undefined;
        const responses = Object.entries((op.responses as Json) ?? {});
        return html`<article>
          <h3><span class="method ${method}">${method.toUpperCase()}</span> <code>/api/v1${path}</code></h3>
          <p>${prose(op.summary)}${op.security ? html` <span class="key">needs a visitor key</span>` : ""}</p>
          ${op.description ? html`<p class="description">${prose(op.description)}</p>` : ""}
          ${body
            ? Object.entries(body).map(
                ([type, content]) => html`<p><b>Body</b> <code>${type}</code>: <code>${typeOf((content as Json).schema, components)}</code></p>`,
              )
            : ""}
          <pre class="curl"><code>${curlOf(method, path, op, components)}</code></pre>
          ${answer(op)}
          <ul>
            ${responses.map(([status, response]) => {
              const content = (response as Json).content as Json | undefined;
              const first = content ? Object.entries(content)[0] : undefined;
              return html`<li><b>${status}</b> ${prose((response as Json).description)}${
                Number(status) >= 400
                  ? html` <a href="#errors"><code>Error</code></a>`
                  : first && first[0] === "application/json"
                  ? html` <code>${typeOf((first[1] as Json).schema, components)}</code>`
                  : first
                    ? html` <code>${first[0]}</code>`
                    : ""
              }</li>`;
            })}
          </ul>
        </article>`;
      })}
  </section>`;

  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${String(info.title ?? "API")} reference</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header>
  <h1>${String(info.title ?? "API")} <small>${String(info.version ?? "")}</small></h1>
  <p>${prose(info.description)}</p>
  <p id="errors">Every error answers <code>${typeOf((components.schemas as Json)?.Error, components)}</code>: a stable code, a sentence for a person, and sometimes a link that is the way out.</p>
  <p>In the order a person uses it: create a visitor (its key goes in <code>Authorization: Bearer</code>), open a session,
  send a message and read the reply's events, upload media if you have any, export the video and follow it, then find,
  share or download it under Videos. Generations do all of it in one call. Every sample below runs as it is with
  <code>BASE=https://&lt;this host&gt;/api/v1</code> and <code>KEY</code> set to a visitor's key; its answer is filled in from the
  schema's examples.</p>
  <p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>
  <nav>${tags.map((tag) => html`<a href="#${tag.toLowerCase()}">${tag}</a> `)}</nav>
</header>
<main>${tags.map(section)}</main>
</body>
</html>`.toString();
}

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header,main{max-width:60rem;margin:0 auto;padding:1rem 1.25rem}
h1 small{font-size:.5em;color:#666}
nav a{margin-right:.75rem}
article{background:#fff;border:1px solid #e3e3e3;border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0}
h3{font-size:1rem;margin:.25rem 0;overflow-wrap:anywhere}
code{font:.9em ui-monospace,monospace;overflow-wrap:anywhere}
.method{display:inline-block;min-width:3.5rem;font:600 .8rem ui-monospace,monospace;padding:.1rem .4rem;border-radius:.25rem;color:#fff;background:#555}
.method.get{background:#1a7f37}.method.post{background:#0550ae}.method.delete{background:#b42318}
.key{font-size:.8rem;color:#8a4b00;background:#fff4e0;border-radius:.25rem;padding:0 .3rem}
.description{color:#444}
ul{margin:.25rem 0;padding-left:1.25rem}
pre{background:#f3f4f6;border-radius:.375rem;padding:.5rem .75rem;overflow-x:auto;margin:.5rem 0;font-size:.85rem}
pre.curl{background:#0f172a;color:#e2e8f0}
.answer-head{margin:.5rem 0 0;font-size:.9rem}
table.events{border-collapse:collapse;margin:.5rem 0;font-size:.85rem;width:100%}
table.events caption{text-align:left;font-size:.9rem;margin-bottom:.25rem}
table.events td:first-child{white-space:nowrap}
table.events th,table.events td{border:1px solid #e3e3e3;padding:.25rem .4rem;text-align:left;vertical-align:top}
`;
