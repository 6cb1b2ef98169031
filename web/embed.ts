/**
 * `/embed.js`, the widget loader: a classic script on someone else's page (the host).
 *
 * ```html
 * <script src="https://promptreel.example/embed.js" async></script>
 * <div data-promptreel></div>
 * ```
 *
 * Each `[data-promptreel]` element gets the app in an iframe as tall as its content; with none on the page, a
 * floating button opens it in a panel, which its close button or Escape closes, giving the focus back. The app's messages reach the host as DOM events on the element, bubbling
 * (`promptreel:ready`, `promptreel:video` with `{exportId,url,downloadUrl}`, `promptreel:error` with
 * `{code,message}`, `promptreel:resize` with `{height}`), and through `PromptReel.on(type, listener)`. An app
 * that has not said `ready` within 10 s is reported as an `error` with code `not_loaded`.
 *
 * Messages are taken only from our own iframes at the app's origin (the origin this script came from) and sent to
 * that origin only. When the browser blocks the app's storage in a third-party frame, the app asks the loader to
 * keep its visitor key in the host's storage, and gets it back by message: never in the iframe's URL.
 */

interface Widget {
  frame: HTMLIFrameElement;
  element: HTMLElement;
  inline: boolean;
  ready?: boolean;
}

/** An app that has not said `ready` by then did not load: a refused frame (EMBED_ORIGINS) looks just like this. */
const LOAD_TIMEOUT_MS = 10_000;

type Listener = (detail: unknown, element: HTMLElement) => void;

(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script?.src || window.PromptReel) return;
  const app = new URL(script.src).origin;
  const keyName = `promptreel:key:${app}`;
  const widgets: Widget[] = [];
  const listeners: Record<string, Listener[]> = {};
  let keyInMemory: string | null = null;

  const heldKey = () => {
    try {
      return localStorage.getItem(keyName) ?? keyInMemory;
    } catch {
      return keyInMemory;
    }
  };
  const holdKey = (key: string | null) => {
    keyInMemory = key;
    try {
      if (key) localStorage.setItem(keyName, key);
      else localStorage.removeItem(keyName);
    } catch {
      // The host's storage is refused too: the key lives as long as this page.
    }
  };

  const addFrame = (element: HTMLElement, inline: boolean) => {
    const frame = document.createElement("iframe");
    frame.src = `${app}/?embed=1&origin=${encodeURIComponent(location.origin)}${inline ? "" : "&panel=1"}`;
    frame.title = "PromptReel: make a video from text";
    frame.allow = "fullscreen; clipboard-write";
    frame.style.cssText = `display:block;width:100%;border:0;${inline ? "height:600px" : "flex:1;min-height:0"}`;
    element.appendChild(frame);
    const widget: Widget = { frame, element, inline };
    widgets.push(widget);
    setTimeout(() => {
      if (!widget.ready)
        emit(widget, "error", {
          code: "not_loaded",
          message: "PromptReel did not load here. If this site is not allowed to embed it, its operator can add it to EMBED_ORIGINS.",
        });
    }, LOAD_TIMEOUT_MS);
  };

  const emit = (widget: Widget, type: string, detail: unknown) => {
    widget.element.dispatchEvent(new CustomEvent(`promptreel:${type}`, { detail, bubbles: true }));
    for (const listener of listeners[type] ?? []) listener(detail, widget.element);
  };

  const mount = (element: HTMLElement) => {
    if (!widgets.some((widget) => widget.element === element)) addFrame(element, true);
  };

  /** Open and close the floating panel (set by floating()): its button, its close button, Escape, the host's script. */
  let openPanel: (() => void) | undefined;
  let closePanel: (() => void) | undefined;

  /**
   * The floating button and its panel. The panel has a visible close button; Escape closes it too (pressed in
   * the app, the app asks by message). Closing gives the focus back to what opened it (the button, or the host's
   * own control that called `PromptReel.open()`), or to the button when that is gone.
   */
  const floating = () => {
    const corner = "position:fixed;right:16px;z-index:2147483647;";
    const panel = document.createElement("div");
    panel.id = "promptreel-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "PromptReel");
    panel.style.cssText = `${corner}bottom:84px;width:min(400px,calc(100vw - 32px));height:min(640px,calc(100vh - 100px));display:none;flex-direction:column;background:#fff;border-radius:12px;overflow:hidden;box-shadow:0 8px 32px #0004`;
    const bar = document.createElement("div");
    bar.style.cssText = "display:flex;align-items:center;justify-content:space-between;gap:8px;padding:6px 6px 6px 14px;border-bottom:1px solid #d9dde5;background:#fff;color:#1c2230;font:600 15px system-ui,sans-serif";
    bar.textContent = "PromptReel";
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u2715";
    close.title = "Close";
    close.setAttribute("aria-label", "Close PromptReel");
    close.style.cssText = "width:40px;height:40px;border:1px solid #d9dde5;border-radius:8px;background:#fff;color:#1c2230;font:600 18px system-ui,sans-serif;cursor:pointer";
    bar.appendChild(close);
    panel.appendChild(bar);
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Make a video";
    button.setAttribute("aria-controls", panel.id);
    button.setAttribute("aria-expanded", "false");
    button.style.cssText = `${corner}bottom:16px;padding:14px 20px;border:0;border-radius:28px;background:#3b2fc9;color:#fff;font:600 16px system-ui,sans-serif;cursor:pointer;box-shadow:0 4px 16px #0004`;
    let opener: HTMLElement = button;
    const show = (open: boolean) => {
      panel.hidden = !open;
      panel.style.display = open ? "flex" : "none";
      button.setAttribute("aria-expanded", String(open));
    };
    button.onclick = () => (panel.hidden ? openPanel?.() : closePanel?.());
    openPanel = () => {
      if (!panel.hidden) return;
      const focused = document.activeElement;
      opener = focused instanceof HTMLElement && focused !== document.body ? focused : button;
      if (panel.childElementCount < 2) addFrame(panel, false);
      show(true);
      panel.querySelector("iframe")?.focus();
    };
    closePanel = () => {
      if (panel.hidden) return;
      show(false);
      (opener.isConnected ? opener : button).focus();
    };
    close.onclick = closePanel;
    addEventListener("keydown", (event) => {
      const focused = document.activeElement;
      if (event.key === "Escape" && (panel.contains(focused) || focused === button)) closePanel?.();
    });
    // The button first, so that Tab goes from it into the open panel.
    document.body.appendChild(button);
    document.body.appendChild(panel);
  };

  addEventListener("message", (event) => {
    const widget = widgets.find((candidate) => candidate.frame.contentWindow === event.source);
    const { type, detail } = (event.data ?? {}) as { type?: string; detail?: { key?: unknown; height?: unknown } };
    if (!widget || event.origin !== app || event.data?.source !== "promptreel") return;
    if (type === "connect") {
      widget.frame.contentWindow?.postMessage({ source: "promptreel", type, detail: { key: heldKey() } }, app);
    } else if (type === "key") {
      holdKey(typeof detail?.key === "string" ? detail.key : null);
    } else if (type === "close") {
      if (!widget.inline) closePanel?.();
    } else if (type === "ready" || type === "video" || type === "error" || type === "resize") {
      const height = Number(detail?.height);
      if (type === "resize" && widget.inline && height > 0) widget.frame.style.height = `${Math.ceil(height)}px`;
      if (type === "ready") widget.ready = true;
      emit(widget, type, detail);
    }
  });

  window.PromptReel = {
    /** Calls `listener(detail, element)` on every `type` event (ready, video, error, resize) from any widget. */
    on: (type: string, listener: Listener) => void (listeners[type] ??= []).push(listener),
    /** Puts the app into an element added after the page loaded. */
    mount,
    /** Opens the floating panel (a page with no `[data-promptreel]` element), from the host's own control. */
    open: () => openPanel?.(),
    /** Closes it; the focus goes back to what opened it. */
    close: () => closePanel?.(),
  };

  const start = () => {
    const elements = document.querySelectorAll<HTMLElement>("[data-promptreel]");
    if (elements.length) elements.forEach(mount);
    else floating();
  };
  if (document.readyState === "loading") addEventListener("DOMContentLoaded", start);
  else start();
})();

declare global {
  interface Window {
    PromptReel?: { on(type: string, listener: Listener): void; mount(element: HTMLElement): void; open(): void; close(): void };
  }
}

export {};
