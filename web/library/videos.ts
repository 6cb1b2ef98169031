import { api, done, everyPage, ok } from "../api";
import { store, updateVideo, type Video } from "../state";
import { makePosters } from "./poster";

export type { Video };

/**
 * A player's shape, from the API's width and height (styles.css sizes it by `--ratio`): never from what the
 * browser knows of the clip or its poster, which is nothing while they load (a box of 0x0) and the wrong shape
 * when a poster fails (300x150).
 */
export const shapeOf = (video: Video) => ({ "--ratio": video.width / video.height });

/** Reads every finished video (newest first, page by page) into the store; then gives those without a poster one. */
export async function loadLibrary(): Promise<Video[]> {
  const videos = await everyPage(async (query) => {
    const page = await ok(api.videos.$get({ query }));
    return [page.videos, page.nextCursor];
  });
  store.library.value = videos;
  void makePosters();
  return videos;
}

/** One video read again (after it was made), put in its place in the library, newest first. */
export async function refreshVideo(id: string): Promise<Video> {
  const video = await ok(api.videos[":id"].$get({ param: { id } }));
  const others = (store.library.value ?? []).filter((each) => each.videoId !== id);
  store.library.value = [video, ...others].sort((a, b) => b.createdAt - a.createdAt);
  void makePosters();
  return video;
}

/** Its public page's absolute address (the same one when it is shared already), shown wherever it is. */
export async function shareVideo(id: string): Promise<void> {
  updateVideo(id, { shareUrl: (await ok(api.videos[":id"].share.$post({ param: { id } }))).shareUrl });
}

export async function stopSharing(id: string): Promise<void> {
  await done(api.videos[":id"].share.$delete({ param: { id } }));
  updateVideo(id, { shareUrl: undefined });
}

/** Deletes our copy (its download, poster and share page answer 404 from then on); it leaves every screen at once. */
export async function deleteVideo(id: string): Promise<void> {
  await done(api.videos[":id"].$delete({ param: { id } }));
  store.library.value = store.library.value?.filter((video) => video.videoId !== id);
}
