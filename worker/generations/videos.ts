import { type PageAsk, pageOf } from "../cursor";
import type { Library, LibraryVideo } from "../videos/library";
import type { GenerationRecord } from "./schema";

/** A video of the visitor: a generation (with its kept copy once it has one), or one the chat made. */
export type EveryVideo = { generation: GenerationRecord; kept?: LibraryVideo } | { video: LibraryVideo };

const keyOf = (item: EveryVideo) =>
  "generation" in item ? { at: item.generation.createdAt, id: item.generation.generationId } : { at: item.video.createdAt, id: item.video.videoId };

/**
 * One page of every video of the visitor, newest first, as one keyset over (createdAt, id): its generations, and
 * the library's videos that no generation made. Each is read a page and one more after the cursor, in SQL; the
 * first `limit` of the two merged are the page, and one more left over says there is a next one. Stable while new
 * videos arrive (they are newer than any cursor), none twice (a generation's export is left out of the library's).
 * @example everyVideo(table.exportIds(), (more) => this.list(more).generations, library, { limit: 2 }) // { items: [{ generation }, { video }], nextCursor: "…" }
 */
export function everyVideo(
  generationExports: string[],
  generations: (ask: PageAsk) => GenerationRecord[],
  library: Library,
  ask: PageAsk,
): { items: EveryVideo[]; nextCursor: string | null } {
  const more = { ...ask, limit: ask.limit + 1 };
  const made = generations(more);
  const chat = library.list(more, generationExports).videos;
  const kept = library.among(made.flatMap((record) => (record.status === "completed" && record.exportId ? [record.exportId] : [])));
  const merged: EveryVideo[] = [
    ...made.map((generation) => ({ generation, kept: generation.exportId ? kept.get(generation.exportId) : undefined })),
    ...chat.map((video) => ({ video })),
  ];
  merged.sort((a, b) => {
    const [x, y] = [keyOf(a), keyOf(b)];
    return y.at - x.at || (y.id < x.id ? -1 : y.id > x.id ? 1 : 0);
  });
  return pageOf(merged, ask.limit, keyOf);
}
