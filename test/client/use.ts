// A program outside PromptReel that calls its API with Hono's typed client, using only the types the package
// exports ("promptreel/client"). `npm run typecheck` compiles it: a change to the API that breaks its users fails.
import { hc } from "hono/client";
import type { AppType, Export, TurnEvent, Video } from "promptreel/client";

export async function makeAndShare(base: string, key: string, prompt: string): Promise<string> {
  const api = hc<AppType>(`${base}/api/v1`, { headers: { Authorization: `Bearer ${key}` } });
  const generation = await api.generations.$post({ json: { prompt, aspectRatio: "9:16", lengthS: 10 } });
  if (generation.status !== 202) throw new Error("not started");
  const { generationId } = await generation.json();
  for (;;) {
    const answer = await api.generations[":id"].$get({ param: { id: generationId } });
    if (answer.status !== 200) throw new Error("lost");
    const state = await answer.json();
    if (state.status === "failed" || state.status === "cancelled") throw new Error(state.error?.message ?? state.status);
    if (state.status === "completed" && state.exportId) {
      const shared = await api.videos[":id"].share.$post({ param: { id: state.exportId } });
      if (shared.status !== 200 && shared.status !== 201) throw new Error("not shared");
      return (await shared.json()).shareUrl;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export const describe = (video: Video, done?: Export, event?: TurnEvent) =>
  `${video.title} (${video.durationS ?? "?"} s) ${done?.downloadUrl ?? video.downloadUrl} ${event?.event ?? ""}`;
