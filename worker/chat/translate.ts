import type { Language } from "../language";

export type GuiAction = "export" | "state" | "upload";

interface Rule {
  pattern: RegExp;
  replace: string | ((...groups: string[]) => string);
  action?: GuiAction;
}

/**
 * NemoVideo's agent writes as if the person sat in its editor ("click Export", "点击导出", "open the panel",
 * "drag the clip"). Here there is a chat and an Export button instead: each phrase becomes what works here,
 * and the step the backend asked for becomes an `action` the page can perform.
 */
const RULES: Rule[] = [
  { pattern: /\b(?:click|press|tap|hit)(?: on)? (?:the )?["“']?export["”']?(?: button)?/gi, replace: "choose Export", action: "export" },
  { pattern: /\b(?:click|press|tap)(?: on)? (?:the )?["“']?upload["”']?(?: button)?/gi, replace: "add a file", action: "upload" },
  { pattern: /\bpreview (?:it |this )?in (?:the )?timeline\b/gi, replace: "see it in the timeline", action: "state" },
  { pattern: /\bopen (?:the )?(?:[\w-]+ ){0,2}(?:panel|timeline|editor)\b/gi, replace: "look at the timeline", action: "state" },
  { pattern: /\b(?:click|press|tap)(?: on)? (?:the )?["“']?([\w -]{1,30}?)["”']? button\b/gi, replace: (_m, name) => `ask me to ${name.toLowerCase()}` },
  { pattern: /\bdrag(?:ging)?(?: and drop(?:ping)?)?\b/gi, replace: "ask me to move" },
  { pattern: /点击?\s*[「“"]?导出[」”"]?(?:按钮)?/g, replace: "选择「导出」", action: "export" },
  { pattern: /点击?\s*[「“"]?上传[」”"]?(?:按钮)?/g, replace: "添加文件", action: "upload" },
  { pattern: /在时间线(?:中|里|上)?预览/g, replace: "在时间线中查看", action: "state" },
  { pattern: /打开[^，。,.!！]{0,8}?(?:面板|时间线|编辑器)/g, replace: "查看时间线", action: "state" },
  { pattern: /拖拽|拖动|拖放/g, replace: "告诉我如何移动" },
];

/** Rewrites GUI wording and reports which steps the backend asked for. */
export function translateGui(text: string): { text: string; actions: GuiAction[] } {
  const actions = new Set<GuiAction>();
  let result = text;
  for (const rule of RULES) {
    result = result.replace(rule.pattern, (...args: string[]) => {
      if (rule.action) actions.add(rule.action);
      const replacement = typeof rule.replace === "string" ? rule.replace : rule.replace(...args);
      // "Click Export…" at the start of a sentence stays capitalised: "Choose Export…".
      return /^[A-Z]/.test(args[0]) ? replacement[0].toUpperCase() + replacement.slice(1) : replacement;
    });
  }
  return { text: result, actions: [...actions] };
}

const ACTIVITIES: [RegExp, Record<Language, string>][] = [
  [/video|seedance|clip/i, { en: "Generating video", zh: "正在生成视频" }],
  [/music|bgm|audio|sound/i, { en: "Composing music", zh: "正在生成音乐" }],
  [/title|text|subtitle|caption/i, { en: "Writing titles", zh: "正在添加文字" }],
  [/image|picture|photo/i, { en: "Generating image", zh: "正在生成图片" }],
  [/upload|import|media/i, { en: "Adding your media", zh: "正在导入素材" }],
  [/render|export/i, { en: "Preparing the export", zh: "正在准备导出" }],
  [/edit|multitrack|timeline|track/i, { en: "Editing the timeline", zh: "正在编辑时间线" }],
];

/** A person's words for a backend tool ("generate_video_with_seedance" → "Generating video"). */
export function activityLabel(tool: string, language: Language): string {
  for (const [pattern, label] of ACTIVITIES) if (pattern.test(tool)) return label[language];
  return language === "zh" ? "正在处理" : "Working";
}

export const STILL_WORKING: Record<Language, string> = { en: "Still working…", zh: "仍在处理中…" };

/** NemoVideo's closing "temporary issue" line, which follows perfectly good answers. */
export const TEMPORARY_ISSUE = /temporary (?:issue|problem|error)|暂时(?:出现|遇到)?(?:了)?(?:一些)?问题|临时(?:问题|故障)/i;
