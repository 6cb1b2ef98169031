/** What a typed message asks for: a step the page performs itself, or a chat message for the assistant. */
export type Intent = "export" | "credits" | "state" | "upload" | "chat";

// The seed's table: export / 导出 / download / "send me the video" → export; credits / 积分 / balance / 余额 →
// credits; status / 状态 / show tracks → the timeline; upload / 上传 → the file picker.
const RULES: [Exclude<Intent, "chat">, RegExp][] = [
  ["export", /\b(export|download)\b|send me the video|导出|下载/i],
  ["credits", /\b(credits?|balance)\b|积分|余额/i],
  ["state", /\b(status|show (the )?(tracks|timeline))\b|状态|时间线/i],
  ["upload", /\bupload\b|上传/i],
];

// A command is short: longer messages that merely mention a keyword ("a video about a bank balance") are chat.
const MAX_WORDS = 5;
const MAX_CJK_CHARS = 12;

function isShort(text: string): boolean {
  const cjk = text.match(/[\u3400-\u9fff]/g)?.length ?? 0;
  if (cjk > MAX_CJK_CHARS) return false;
  return text.split(/\s+/).filter(Boolean).length <= MAX_WORDS;
}

/**
 * Routes a typed message the way the seed does: a short command to its step, everything else to the assistant.
 * @example routeIntent("export 720p MP4") // "export"
 * @example routeIntent("a fox running through a snowy forest") // "chat"
 */
export function routeIntent(text: string): Intent {
  const message = text.trim();
  if (!message || !isShort(message)) return "chat";
  for (const [intent, pattern] of RULES) if (pattern.test(message)) return intent;
  return "chat";
}
