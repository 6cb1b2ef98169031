import { getKey, isPersistent, onKeyChange, provideKey } from "./storage";

/**
 * The page's side of the widget: when `/embed.js` frames the app (`/?embed=1&origin=<host origin>`), this tells
 * the host page what happens. Outside a widget every function here does nothing, so the page calls them always.
 *
 * Messages go to the host's origin only, named as `targetOrigin` (never `'*'`): the browser drops them if the
 * parent is anywhere else. Messages are taken only from `window.parent` at that origin. Who may frame the app
 * at all is the Worker's `Content-Security-Policy: frame-ancestors` (from `EMBED_ORIGINS`): framed anywhere
 * else, the browser shows nothing, whatever `origin` the URL claims.
 *
 * The widget is as tall as the page's content (`resize` reports the height of `<html>` whenever it changes), so
 * in a widget (`:root[data-embedded]`) the page should take its content's height, not `100vh` of the frame: a
 * frame sized by `vh` can grow but never shrink.
 *
 * @example
 * await bridge.connect();          // before reading the visitor key: the host page may hold it (storage.ts)
 * render(<App />, root);
 * bridge.ready();
 * bridge.video({ exportId, url, downloadUrl });
 * bridge.error({ code: "no_credits", message: "…" });
 */

/** The shape every widget message has, both ways. */
export interface WidgetMessage {
  source: "promptreel";
  type: "connect" | "ready" | "video" | "error" | "resize" | "key" | "close";
  detail?: unknown;
}

const hostOrigin = readHostOrigin();

/** True when the app runs inside the widget; then `<html data-embedded>` (`="panel"` in the floating panel) lets the page's CSS adapt. */
export const embedded = hostOrigin !== null;
if (embedded) document.documentElement.setAttribute("data-embedded", new URLSearchParams(location.search).has("panel") ? "panel" : "");

// Escape in the floating widget closes its panel (the loader ignores it inline), unless it closes a dialog of ours.
if (embedded)
  addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented && !document.querySelector("dialog[open]")) post("close");
  });

function readHostOrigin(): string | null {
  const params = new URLSearchParams(location.search);
  const claimed = params.get("origin");
  if (window.parent === window || params.get("embed") !== "1" || !claimed) return null;
  try {
    return new URL(claimed).origin === claimed ? claimed : null;
  } catch {
    return null;
  }
}

function post(type: WidgetMessage["type"], detail?: unknown): void {
  if (hostOrigin) window.parent.postMessage({ source: "promptreel", type, detail } satisfies WidgetMessage, hostOrigin);
}

// How long the page waits for the host's answer before going on with what it has (a host without the loader).
const CONNECT_TIMEOUT_MS = 1500;
let connection: Promise<void> | undefined;

/**
 * Greets the host page. When the page can't keep the visitor key itself (third-party storage blocked), it takes
 * the key the host keeps for it and hands every new key to the host to keep. Resolves at once outside a widget,
 * and after 1.5 s at most when no host answers.
 */
export function connect(): Promise<void> {
  return (connection ??= new Promise((resolve) => {
    if (!hostOrigin) return resolve();
    const timer = setTimeout(resolve, CONNECT_TIMEOUT_MS);
    const onMessage = (event: MessageEvent) => {
      const message = event.data as WidgetMessage | null;
      if (event.source !== window.parent || event.origin !== hostOrigin) return;
      if (message?.source !== "promptreel" || message.type !== "connect") return;
      removeEventListener("message", onMessage);
      clearTimeout(timer);
      // The host keeps the key only when the page can't: a key in the host's storage is readable by its scripts.
      if (!isPersistent()) keepKeyWithHost((message.detail as { key?: unknown } | undefined)?.key);
      resolve();
    };
    addEventListener("message", onMessage);
    post("connect");
  }));
}

function keepKeyWithHost(held: unknown): void {
  if (typeof held === "string" && held) provideKey(held);
  const key = getKey();
  if (key !== (held ?? null)) post("key", { key });
  onKeyChange((changed) => post("key", { key: changed }));
}

let watching = false;

/**
 * The app is on screen: the host hears `ready`, then `resize` whenever the page's height changes, read once a
 * frame (the changes of one frame are one message). Nothing in the page is sized by the frame's height, so the
 * loader's resize changes nothing here: one message per change of content, never a loop.
 */
export function ready(): void {
  if (!hostOrigin) return;
  post("ready");
  if (watching) return;
  watching = true;
  let last = 0;
  let pending = 0;
  const report = () => {
    pending = 0;
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) post("resize", { height: (last = height) });
  };
  new ResizeObserver(() => void (pending ||= requestAnimationFrame(report))).observe(document.documentElement);
}

/** A finished export the person can watch or download. The host gets absolute URLs: it is on another origin. */
export function video({ exportId, url, downloadUrl }: { exportId: string; url: string; downloadUrl: string }): void {
  post("video", { exportId, url: new URL(url, location.href).href, downloadUrl: new URL(downloadUrl, location.href).href });
}

/** Something went wrong that the person was told about (an API error's code and sentence). */
export function error(detail: { code: string; message: string }): void {
  post("error", detail);
}
