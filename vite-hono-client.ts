/**
 * What Hono's typed client (`hc`) does for the page, as the page's build gets it (vite.config.ts): the same calls
 * (`api.sessions[":id"].messages.$post({ param, json }, { init })`), the same requests, from a smaller runtime.
 * The types are still Hono's own (`hc<AppType>` is checked against the Worker's routes); only what runs is reduced
 * to what the page asks of it: path parameters, a query, a JSON body, headers (the client's, the call's), `init`.
 * Hono's own runtime brings `$url`, `$ws`, forms, cookies and index paths as well: 1.1 KB of the page's 25 KB
 * gzipped. `test/browser` drives every call the page makes through this one.
 */
type Values = Record<string, string | undefined>;
interface Args {
  param?: Values;
  query?: Values;
  json?: unknown;
  header?: Values;
}
interface Options {
  headers?: Values | (() => Values);
  init?: RequestInit;
}

export function hc(base: string, client: Options = {}) {
  const at = (path: string[]): unknown =>
    new Proxy(() => {}, {
      get: (_, key) => (typeof key === "string" && key !== "then" ? at([...path, key]) : undefined),
      apply(_, __, [args = {}, call = {}]: [Args?, Options?]) {
        const method = path.at(-1)!.slice(1).toUpperCase();
        const url = new URL(`${base}/${path.slice(0, -1).join("/")}`.replace(/\/:(\w+)/g, (_, name) => `/${encodeURIComponent(args.param?.[name] ?? "")}`));
        for (const [name, value] of Object.entries(args.query ?? {})) if (value !== undefined) url.searchParams.append(name, value);
        const headers = new Headers();
        const own = typeof client.headers === "function" ? client.headers() : client.headers;
        for (const [name, value] of Object.entries({ ...args.header, ...own, ...(call.headers as Values) }))
          if (value !== undefined) headers.set(name, value);
        if (args.json !== undefined) headers.set("Content-Type", "application/json");
        const body = args.json === undefined || method === "GET" ? undefined : JSON.stringify(args.json);
        return fetch(url, { method, headers, body, ...call.init });
      },
    });
  return at([]);
}
