import { LENGTHS_S, SHAPES, shapeOfSize, snapLength } from "./clips";
import { AUDIO, type Draft, TEXT } from "./drafts";
import type { EditChange } from "./edits";
import { pick } from "./ids";

/** Chinese replies for a `zh…` session language (or, with no language, a Chinese message). */
export const speaksChinese = (language: string | undefined, message: string): boolean =>
  language ? language.toLowerCase().startsWith("zh") : /[\u3400-\u9fff]/.test(message);

const seconds = (ms: number) => Math.round(ms / 100) / 10;
const percent = (volume: number) => Math.round(volume * 100);

const shapeWords = (draft: Draft, zh: boolean) => SHAPES[shapeOfSize(draft.m.width, draft.m.height)][zh ? "zh" : "en"];

/** When the words asked for a length no clip has: what was made instead, said plainly. */
function lengthNote(askedS: number | undefined, zh: boolean): string {
  if (askedS === undefined || snapLength(askedS) === askedS) return "";
  const offered = LENGTHS_S.join(zh ? "、" : ", ");
  return zh ? `（你要的是${askedS}秒；我能做${offered}秒）` : ` (you asked for ${askedS} seconds; I make ${offered} seconds)`;
}

/**
 * After a generation: what was made, in its true length and shape (those of the clip an export gives). The backend
 * assumes its own editor: this text always ends with the Export button, so the relay's GUI translation is exercised
 * on every generation.
 */
export function generationReply(draft: Draft, zh: boolean, askedS?: number): string {
  const subject = draft.t[0].sg[0].n;
  const bgm = draft.t.find((track) => track.tt === AUDIO)?.sg[0]?.n ?? "";
  const s = seconds(draft.d);
  const note = lengthNote(askedS, zh);
  return zh
    ? `你的${s}秒视频《${draft.m.title}》已生成${note}：${shapeWords(draft, zh)}，${subject}，配有${bgm}背景音乐和标题。可以在时间线中预览。点击导出按钮即可下载。`
    : `Your ${s}-second clip "${draft.m.title}" is ready${note}: a ${shapeWords(draft, zh)} draft of ${subject}, with ${bgm} background music and a title card. Preview it in the timeline. Click the Export button to download it.`;
}

const trackNames = {
  en: { [AUDIO]: "background music", [TEXT]: "text" } as Record<number, string>,
  zh: { [AUDIO]: "背景音乐", [TEXT]: "文字" } as Record<number, string>,
};

/** After an edit that sends text; some of them talk of panels and dragging, as the real backend does. */
export function editReply(change: EditChange, zh: boolean): string {
  switch (change.kind) {
    case "reframe": {
      const s = seconds(change.durationMs);
      const shape = SHAPES[change.shape];
      const size = `${shape.width}x${shape.height}`;
      if (!change.changed) {
        return zh
          ? `视频已经是${s}秒、${shape.zh}（${size}），没有改动。可选的时长是${LENGTHS_S.join("、")}秒。`
          : `The video is already ${s} seconds, ${shape.en} (${size}), so nothing changed. It can be ${LENGTHS_S.join(", ")} seconds long.`;
      }
      return zh
        ? `视频现在是${s}秒、${shape.zh}（${size}）。`
        : `The video is now ${s} seconds, ${shape.en} (${size}).`;
    }
    case "music":
      return zh
        ? `已将背景音乐换成${change.style}，音量${percent(change.volume)}%。打开音频面板可以微调。`
        : `I've replaced the background music with ${change.style} at ${percent(change.volume)}%. Open the audio panel to fine-tune it.`;
    case "volume":
      return zh
        ? `背景音乐音量已调整为${percent(change.volume)}%。`
        : `The background music is now at ${percent(change.volume)}% volume.`;
    case "title":
      return zh ? `标题已改为“${change.title}”。` : `The title now reads "${change.title}".`;
    case "trim":
      return zh
        ? `视频已剪到${seconds(change.durationMs)}秒。如需其他剪辑点，可以在时间线中拖动片段边缘。`
        : `I trimmed the video to ${seconds(change.durationMs)} seconds. Drag the clip edges in the timeline if you want a different cut.`;
    case "extend":
      return zh
        ? `视频已延长到${seconds(change.durationMs)}秒。`
        : `The video now runs ${seconds(change.durationMs)} seconds.`;
    case "remove": {
      const name = (zh ? trackNames.zh : trackNames.en)[change.trackType] ?? (zh ? "轨道" : "extra");
      return zh ? `已删除${name}轨道。` : `I removed the ${name} track.`;
    }
    case "add":
      return zh ? `已添加文字轨道：“${change.text}”。` : `I added a text track: "${change.text}".`;
  }
}

/** A plain answer with no tool call. */
export function textReply(message: string, draft: Draft | null | undefined, zh: boolean): string {
  if (draft) {
    return zh
      ? `当前时间线有${draft.t.length}条轨道，时长${seconds(draft.d)}秒，${shapeWords(draft, zh)}。打开右侧面板可以查看详情，或者告诉我要修改音乐、标题或时长。`
      : `Your timeline has ${draft.t.length} tracks and runs ${seconds(draft.d)} seconds, ${shapeWords(draft, zh)}. Open the panel on the right to see them, or ask me to change the music, the title, the shape or the length.`;
  }
  const answers = zh
    ? ["我可以把一句简短的描述变成720p视频，再帮你修改音乐、标题或时长。你想看到什么？", "告诉我你想要的画面，例如“生成一段海上日落的视频”。"]
    : [
        "I can turn a short description into a 720p video clip, then change its music, title or length. What would you like to see?",
        'Tell me what the video should show, for example "generate a 5-second video clip of a sunset over the ocean".',
      ];
  return answers[pick(message, 0, answers.length - 1)];
}

/** The trailing text some failures add after a fine answer (the `trailingTemporaryIssue` switch). */
export const TEMPORARY_ISSUE = "I encountered a temporary issue. Please try again.";
