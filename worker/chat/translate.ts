import type { Language } from "../language";

export type GuiAction = "export" | "state" | "upload";

interface Rule {
  pattern: RegExp;
  replace: string | ((...groups: string[]) => string);
  action?: GuiAction;
  /** The whole sentence becomes `replace`, said once a reply (its pattern takes the sentence and the space before it). */
  sentence?: true;
}

/** A character of a sentence: anything but a stop that ends one (before white space or the end), or a line break. */
const IN_SENTENCE = String.raw`(?:[^.!?…。！？\n]|[.!?…](?!\s|$))`;
/** The sentence around `phrase`, with the white space before it (group 1). */
const sentenceWith = (phrase: string, flags: string) =>
  new RegExp(String.raw`(\s*)${IN_SENTENCE}*?${phrase}${IN_SENTENCE}*[.!?…。！？]*`, flags);

/**
 * NemoVideo's agent writes as if the person sat in its editor ("click Export", "点击导出", "open the panel",
 * "drag the clip"). Here there is a chat instead: each phrase becomes what works here, and the step the backend
 * asked for becomes an `action` the page performs. The export is one it runs at once, so the sentence that offers
 * the button says so instead ("Click Export to download it." → "Exporting it now…").
 */
const RULES: Rule[] = [
  { pattern: /\b(?:click|press|tap)(?: on)? (?:the )?["“']?upload["”']?(?: button)?/gi, replace: "add a file", action: "upload" },
  { pattern: /\bpreview (?:it |this )?in (?:the )?timeline\b/gi, replace: "see it in the timeline", action: "state" },
  { pattern: /\bopen (?:the )?(?:[\w-]+ ){0,2}(?:panel|timeline|editor)\b/gi, replace: "look at the timeline", action: "state" },
  {
    pattern: sentenceWith(String.raw`\b(?:click|press|tap|hit)(?: on)? (?:the )?["“']?export["”']?(?: button)?`, "gi"),
    replace: "Exporting it now…",
    action: "export",
    sentence: true,
  },
  { pattern: /\b(?:click|press|tap)(?: on)? (?:the )?["“']?([\w -]{1,30}?)["”']? button\b/gi, replace: (_m, name) => `ask me to ${name.toLowerCase()}` },
  { pattern: /\bdrag(?:ging)?(?: and drop(?:ping)?)?\b/gi, replace: "ask me to move" },
  { pattern: /点击?\s*[「“"]?上传[」”"]?(?:按钮)?/g, replace: "添加文件", action: "upload" },
  { pattern: /在时间线(?:中|里|上)?预览/g, replace: "在时间线中查看", action: "state" },
  { pattern: /打开[^，。,.!！]{0,8}?(?:面板|时间线|编辑器)/g, replace: "查看时间线", action: "state" },
  { pattern: sentenceWith(String.raw`点击?\s*[「“"]?导出[」”"]?(?:按钮)?`, "g"), replace: "正在导出…", action: "export", sentence: true },
  { pattern: /拖拽|拖动|拖放/g, replace: "告诉我如何移动" },
];

/**
 * Rewrites GUI wording and reports which steps the backend asked for. Phrases are matched within `text` only;
 * `said` holds the whole-sentence rules already used in this reply, whose sentence is then left out.
 */
export function translateGui(text: string, said = new Set<Rule>()): { text: string; actions: GuiAction[] } {
  const actions = new Set<GuiAction>();
  let result = text;
  for (const rule of RULES) {
    result = result.replace(rule.pattern, (...args: string[]) => {
      if (rule.action) actions.add(rule.action);
      if (rule.sentence) {
        if (said.has(rule)) return "";
        said.add(rule);
        return args[1] + rule.replace;
      }
      const replacement = typeof rule.replace === "string" ? rule.replace : rule.replace(...args);
      // "Click Upload…" at the start of a sentence stays capitalised: "Add a file…".
      return /^[A-Z]/.test(args[0]) ? replacement[0].toUpperCase() + replacement.slice(1) : replacement;
    });
  }
  return { text: result, actions: [...actions] };
}

/** The backend tools that make a video clip (`generate_video_with_seedance`): their activity says so (`makesVideo`). */
export const MAKES_VIDEO = /video|seedance|clip/i;

const ACTIVITIES: [RegExp, Record<Language, string>][] = [
  [MAKES_VIDEO, { en: "Generating video", zh: "正在生成视频" }],
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
const TEMPORARY_ISSUE = /temporary (?:issue|problem|error)|暂时(?:出现|遇到)?(?:了)?(?:一些)?问题|临时(?:问题|故障)/i;

/** The end of a sentence: a stop before white space (not "10.5"), or a Chinese stop, or a line break. */
const SENTENCE_END = /[.!?…](?=\s)|[。！？\n]/g;

/** What a reply's text lets out now: translated text, the steps it asked for, and whether the notice came. */
export interface Released {
  text: string;
  actions: GuiAction[];
  notice: boolean;
}

/**
 * One reply's text as it streams. NemoVideo's partial chunks are cut anywhere, even inside "click Export" or the
 * notice, so text goes out a sentence at a time: no GUI phrase and no notice spans two sentences, so a finished
 * sentence is translated and let out at once, and only the unfinished one waits (it could still become either).
 * A message ends with its final (non-partial) event, or with the stream; then what waited goes too. The notice
 * takes the rest of its message with it ("Please try again.").
 */
export class ReplyText {
  private held = "";
  /** This message's partial chunks as they came, to tell what its final event adds. */
  private streamed = "";
  private inNotice = false;
  /** The whole-sentence translations this reply has given ("Exporting it now…" once). */
  private readonly said = new Set<Rule>();

  partial(chunk: string): Released {
    this.streamed += chunk;
    return this.release(this.take(chunk));
  }

  /** A whole text: after partial chunks ADK repeats them in it, and only what it adds is new. */
  final(text: string): Released {
    const streamed = this.streamed;
    if (streamed && !text.startsWith(streamed) && text.trim() !== streamed.trim()) {
      // Not the same message after all: end the one that was streaming first.
      return merge(this.end(), this.final(text));
    }
    const added = text.trim() === streamed.trim() ? "" : text.slice(streamed.length);
    this.streamed = "";
    return this.end(this.take(added));
  }

  /**
   * A message ended (its final event, or the stream): what waited is let out. `cut` when partial chunks came and
   * no final event: the stream was cut in the middle of a message.
   */
  end(sentences: string[] = []): Released & { cut: boolean } {
    const cut = this.streamed !== "";
    const rest = this.held;
    this.held = "";
    const released = this.release(rest ? [...sentences, rest] : sentences);
    this.streamed = "";
    this.inNotice = false;
    return { ...released, cut };
  }

  /** Adds text; answers the sentences it finished. */
  private take(text: string): string[] {
    this.held += text;
    const sentences: string[] = [];
    let start = 0;
    for (const match of this.held.matchAll(SENTENCE_END)) {
      sentences.push(this.held.slice(start, match.index + match[0].length));
      start = match.index + match[0].length;
    }
    this.held = this.held.slice(start);
    return sentences;
  }

  private release(sentences: string[]): Released {
    const out: Released = { text: "", actions: [], notice: false };
    for (const sentence of sentences) {
      this.inNotice ||= TEMPORARY_ISSUE.test(sentence);
      if (this.inNotice) {
        out.notice = true;
        continue;
      }
      const { text, actions } = translateGui(sentence, this.said);
      out.text += text;
      out.actions.push(...actions.filter((action) => !out.actions.includes(action)));
    }
    return out;
  }
}

const merge = (first: Released, second: Released): Released => ({
  text: first.text + second.text,
  actions: [...new Set([...first.actions, ...second.actions])],
  notice: first.notice || second.notice,
});
