/**
 * The MCP Apps view `ui://promptreel/video`, in the host's iframe: the view's side of the protocol (JSON-RPC 2.0 over
 * postMessage with the host) in plain DOM code, built by build.mjs into one inline script. ext-apps' `App` would do
 * the same in about 146 KB gzipped (it bundles zod); this does what the view needs: `ui/initialize` →
 * `ui/notifications/initialized`, the tool's input and result, `tools/call get_video` every few seconds while the
 * video is made, `ui/open-link` for Download and Share, its height as it changes (`ui/notifications/size-changed`),
 * and the host's theme (and its style variables).
 */
interface Video {
  id: string;
  status: string;
  progress?: number;
  title?: string;
  prompt?: string;
  url?: string;
  downloadUrl?: string;
  shareUrl?: string;
  posterUrl?: string;
  error?: { message?: string };
}
interface HostContext {
  theme?: "light" | "dark";
  styles?: { variables?: Record<string, string | undefined> };
}
type Message = { jsonrpc: "2.0"; id?: number; method?: string; params?: any; result?: any; error?: { code?: number; message: string } };

const POLL_MS = 2500;
const ENDED = ["completed", "failed", "cancelled"];
const STATUS: Record<string, string> = {
  queued: "Waiting for its turn…",
  generating: "NemoVideo is making the clip…",
  rendering: "Rendering the MP4…",
  failed: "It failed",
  cancelled: "It was cancelled",
};

const root = document.getElementById("app")!;
const pending = new Map<number, (message: Message) => void>();
let nextId = 1;
let video: Video | undefined;
/** The prompt the tool was called with (create_video's input): the title, even once the answer has only the id. */
let prompt: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let shown = "";

const post = (message: Omit<Message, "jsonrpc">) => window.parent.postMessage({ jsonrpc: "2.0", ...message }, "*");
const notify = (method: string, params: object = {}) => post({ method, params });
function request(method: string, params: object): Promise<any> {
  const id = nextId++;
  post({ id, method, params });
  return new Promise((resolve, reject) => pending.set(id, (answer) => (answer.error ? reject(new Error(answer.error.message)) : resolve(answer.result))));
}

function applyContext(context: HostContext = {}) {
  if (context.theme) document.documentElement.dataset.theme = context.theme;
  for (const [name, value] of Object.entries(context.styles?.variables ?? {})) if (value) document.documentElement.style.setProperty(name, value);
}

const element = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  return node;
};
const open = (url: string) => void request("ui/open-link", { url }).catch(() => window.open(url, "_blank"));
const button = (label: string, url: string) => element("button", { type: "button", onclick: () => open(url) }, label);

/** Draws the video: its progress while it is made, then the player with Download and Share. */
function render() {
  if (!video) return;
  const key = JSON.stringify(video);
  if (key === shown) return;
  shown = key;
  const title = element("p", { className: "title" }, prompt ?? video.title ?? video.prompt ?? video.id);
  if (video.status === "completed" && video.downloadUrl) {
    const player = (document.getElementById("player") as HTMLTemplateElement).content.firstElementChild!.cloneNode() as HTMLVideoElement;
    player.src = video.downloadUrl; // signed, needs no key: the view has none (`url` asks for the visitor's)
    if (video.posterUrl) player.poster = video.posterUrl;
    const actions = element("div", { className: "actions" });
    if (video.downloadUrl) actions.appendChild(button("Download", video.downloadUrl));
    if (video.shareUrl) actions.appendChild(button("Share", video.shareUrl));
    root.replaceChildren(player, title, actions);
  } else if (ENDED.includes(video.status)) {
    root.replaceChildren(title, element("p", { className: "status", role: "status" }, video.error?.message ?? STATUS[video.status] ?? "It has no MP4 any more."));
  } else {
    const bar = element("progress", { max: 100 });
    bar.setAttribute("aria-label", "Progress");
    if (video.status === "rendering") bar.value = video.progress ?? 0;
    const status = `${STATUS[video.status] ?? video.status}${video.status === "rendering" ? ` ${video.progress ?? 0}%` : ""}`;
    root.replaceChildren(title, bar, element("p", { className: "status", role: "status" }, status, element("br"), element("small", {}, "A video takes 1 to 3 minutes.")));
  }
}

/** Tells the host the view's height whenever it changes: a new screen, the player once it knows the clip's size. */
function reportSize() {
  let reported = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== reported) notify("ui/notifications/size-changed", { height: (reported = height) });
  }).observe(document.documentElement);
}

/** Takes a tool's answer (create_video's {id, status}, or get_video's video) and looks again until it has ended. */
function take(result: { structuredContent?: Video; isError?: boolean } | undefined) {
  const next = result?.structuredContent;
  if (!next?.id || result?.isError) return;
  video = { ...video, ...next };
  render();
  clearTimeout(timer);
  if (!ENDED.includes(video.status)) timer = setTimeout(poll, POLL_MS);
}
const poll = () =>
  request("tools/call", { name: "get_video", arguments: { id: video!.id } }).then(take, () => (timer = setTimeout(poll, POLL_MS * 2)));

window.addEventListener("message", ({ data, source }) => {
  if (source !== window.parent || data?.jsonrpc !== "2.0") return;
  const message = data as Message;
  if (message.id !== undefined && !message.method) {
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  } else if (message.method === "ui/notifications/tool-result") take(message.params);
  else if (message.method === "ui/notifications/tool-input") {
    const given = message.params?.arguments?.prompt;
    if (typeof given === "string") prompt = given;
    if (!video && prompt) root.querySelector(".title")!.textContent = prompt;
  } else if (message.method === "ui/notifications/host-context-changed") applyContext(message.params);
  else if (message.method === "ui/resource-teardown") {
    clearTimeout(timer);
    post({ id: message.id, result: {} });
  } else if (message.id !== undefined) post({ id: message.id, error: { code: -32601, message: "Method not found" } });
});

request("ui/initialize", { appInfo: { name: "PromptReel", version: "0.1.0" }, appCapabilities: {}, protocolVersion: "2026-01-26" }).then((result) => {
  applyContext(result?.hostContext);
  notify("ui/notifications/initialized");
  reportSize();
});

export {};
