import { lengthAsked } from "./choices";
import { clipForDraft, shapeOfSize } from "./clips";
import type { Config } from "./config";
import { type Draft, generationDraft } from "./drafts";
import { applyEdit, isEditRequest } from "./edits";
import { hexId, pick } from "./ids";
import { describeGeneration } from "./media";
import { editReply, generationReply, speaksChinese, textReply } from "./replies";
import type { Session, TurnKind, TurnPlan } from "./types";

export const COSTS = { generation: 100, edit: 50, text: 0 } as const;

const GENERATE =
  /\b(?:generate|create|make|produce)\s+(?!(?:the|it|this|that|my|its)\b)(?:[\w-]+\s+){0,4}?(?:video|clip|movie|film|animation)s?\b|生成.*(?:视频|片段|短片)|(?:视频|片段|短片).*生成/i;
const QUESTION =
  /^\s*(?:what|how|why|who|when|where|which|can|could|do|does|is|are|hi|hello|hey|thanks|thank you)\b|[?？]\s*$|吗\s*$|什么|怎么|你好|谢谢/i;

/** Generation, edit or plain text, from the message and whether the session has a draft yet. */
export function classify(message: string, hasDraft: boolean): TurnKind {
  if (GENERATE.test(message)) return "generation";
  if (!hasDraft) return QUESTION.test(message) ? "text" : "generation";
  return isEditRequest(message) ? "edit" : "text";
}

/** Every 3rd edit of a session sends no text ("auto"), as about 30 % of the real ones do. */
const editIsSilent = (editNumber: number, mode: Config["editText"]) =>
  mode === "never" || (mode === "auto" && editNumber % 3 === 0);

/** The canvas of a draft: its frame and shape. */
const canvasOf = (draft: Draft) => ({
  width: draft.m.width,
  height: draft.m.height,
  fps: 24,
  aspect_ratio: shapeOfSize(draft.m.width, draft.m.height),
});

/** Plans the turn for `message`; durations and picks are stable for the same words. */
export function planTurn(session: Session, message: string, origin: string, config: Config): TurnPlan {
  const zh = speaksChinese(session.language, message);
  const { state } = session;
  const kind = classify(message, Boolean(state.draft));
  if (kind === "generation") {
    const draft = generationDraft(message, config.otherTracks);
    const path = `/render-result/gen_${hexId()}.mp4`;
    const { generated, info } = describeGeneration(draft, message, `${origin}${path}`);
    return {
      kind,
      tool: "generate_video_with_seedance",
      args: { prompt: message, duration: draft.d / 1000, resolution: "720p", aspect_ratio: shapeOfSize(draft.m.width, draft.m.height) },
      durationMs: pick(message, 100, 300) * 1000,
      cost: COSTS.generation,
      delta: {
        draft,
        generated_media: [...(state.generated_media ?? []), generated],
        video_infos: [...(state.video_infos ?? []), info],
        canvas_config: canvasOf(draft),
      },
      text: generationReply(draft, zh, lengthAsked(message)),
      media: [{ path, clip: clipForDraft(draft) }],
    };
  }
  if (kind === "edit" && state.draft) {
    const edit = applyEdit(state.draft, message);
    return {
      kind,
      tool: edit.tool,
      args: { instruction: message },
      durationMs: pick(message, 10, 30) * 1000,
      cost: COSTS.edit,
      delta: { draft: edit.draft, ...(edit.change.kind === "reframe" ? { canvas_config: canvasOf(edit.draft) } : {}) },
      text: editIsSilent(session.edits + 1, config.editText) ? null : editReply(edit.change, zh),
      media: [],
    };
  }
  return {
    kind: "text",
    durationMs: pick(message, 5, 15) * 1000,
    cost: COSTS.text,
    delta: {},
    text: textReply(message, state.draft, zh),
    media: [],
  };
}
