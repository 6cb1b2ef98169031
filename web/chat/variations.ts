import { ApiError, api, everyPage, ok } from "../api";
import { languageTag, t } from "../i18n";
import { askToNotify } from "../notify";
import { type GenerationView, numbered, store } from "../state";
import { followStatus } from "../stream";
import { troubleFrom, troubleOf } from "../words";
import { videoDone } from "./exports";
import { showTrouble } from "./trouble";

/** How many variations "More like this" makes. */
export const VARIATIONS = 2;

const FINAL = ["completed", "failed", "cancelled"];

function show(view: GenerationView): void {
  store.generations.value = { ...store.generations.value, [view.generationId]: view };
}

/** Follows a generation's events (its status, again at each step and export progress) to its end. */
async function follow(start: GenerationView): Promise<void> {
  const final = (view: GenerationView) => FINAL.includes(view.status);
  const { latest } = await followStatus(start, final, show, () => api.generations[":id"].events.$get({ param: { id: start.generationId } }));
  const live = !final(start);
  if (latest.status === "failed" && live) showTrouble(troubleOf(latest.error ?? new ApiError("internal", t.exportFailed)));
  if (latest.status === "completed" && latest.exportId) await videoDone(latest.exportId, latest.conversationId, live);
}

/**
 * More like this: two new generations, made in the conversation as they come, of the conversation's first prompt
 * exactly as it was sent (the person's words with the choices in words after them, as `promptWithChoices` wrote
 * them): the same subject, shape, length and style as the video they vary.
 */
export async function makeVariations(): Promise<void> {
  const conversationId = store.sessionId.value;
  const prompt = store.lines.value.find((line) => line.role === "user")?.text;
  if (!conversationId || !prompt) return;
  askToNotify();
  for (let made = 0; made < VARIATIONS; made++) {
    try {
      const { generationId } = await ok(api.generations.$post({ json: { prompt, language: languageTag, conversationId } }));
      store.lines.value = [...store.lines.value, ...numbered([{ role: "video", text: "", generationId }])];
      void ok(api.generations[":id"].$get({ param: { id: generationId } })).then(follow, () => {});
    } catch (error) {
      return showTrouble(troubleFrom(error));
    }
  }
}

/** The variations asked from a conversation (the API keeps the link), to place in it again; those on their way are followed. */
export async function loadVariations(conversationId: string): Promise<{ generationId: string; at: number }[]> {
  const generations = await everyPage(async (query) => {
    const page = await ok(api.generations.$get({ query }));
    return [page.generations, page.nextCursor];
  });
  const mine = generations.filter((each) => each.conversationId === conversationId && each.status !== "cancelled");
  for (const each of mine) void follow(each);
  return mine.map((each) => ({ generationId: each.generationId, at: each.createdAt }));
}
