/**
 * What Hono's typed client gets for `hono/utils/cookie` in the page's build (vite.config.ts). The client calls only
 * `serialize(name, value)`, and only when a call passes `cookie`, which the page never does; Hono's module also
 * brings parsing, signing and every attribute check (0.6 KB of the page's 25 KB gzipped). A name and a value,
 * encoded as Hono encodes them, is all the client can ask of it.
 */
export const serialize = (name: string, value: string) => `${name}=${encodeURIComponent(value)}`;
