import type { InferResponseType } from "hono/client";
import { api, done, ok } from "../api";

/** A video of the visitor's library, as the API answers it (the type comes from the Worker's zod schema). */
export type Video = InferResponseType<(typeof api.videos)[":id"]["$get"], 200>;

/** Every finished video, newest first. */
export const listVideos = async (): Promise<Video[]> => (await ok(api.videos.$get())).videos;

export const readVideo = (id: string): Promise<Video> => ok(api.videos[":id"].$get({ param: { id } }));

/** Its public page's absolute address (the same one when it is shared already). */
export const shareVideo = async (id: string): Promise<string> =>
  (await ok(api.videos[":id"].share.$post({ param: { id } }))).shareUrl;

export const stopSharing = (id: string) => done(api.videos[":id"].share.$delete({ param: { id } }));

/** Deletes our copy: its download, poster and share page answer 404 from then on. */
export const deleteVideo = (id: string) => done(api.videos[":id"].$delete({ param: { id } }));

/** Sends the still the page drew. The route takes the JPEG as it is (no JSON), so the body goes in `init`. */
export const sendPoster = (id: string, jpeg: Blob) =>
  done(api.videos[":id"].poster.$put({ param: { id } }, { headers: { "Content-Type": "image/jpeg" }, init: { body: jpeg } }));
