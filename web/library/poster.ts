import { api, done, ok } from "../api";
import { store, updateVideo } from "../state";

/** Posters are small: a still at most this wide, and at most the 256 KB the API takes. */
const MAX_WIDTH = 640;
const MAX_BYTES = 256 * 1024;
/** A frame whose mean brightness (0–255) is below this is taken for black: not yet decoded, or a dark moment. */
const DARK = 24;
/** Where in the clip each attempt looks (fractions of its length), and how long it waits before it. */
const TRIES = [0.2, 0.4, 0.6, 0.1, 0.8];
const BACKOFF_MS = 400;

/** Waits for one of a media element's events; an `error` event rejects. */
const once = (video: HTMLVideoElement, name: string) =>
  new Promise<void>((resolve, reject) => {
    video.addEventListener(name, () => resolve(), { once: true });
    video.addEventListener("error", () => reject(video.error ?? new Error("the video could not be loaded")), { once: true });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The frame a video element shows now, on a canvas at most 640 px wide, and its mean brightness (0–255). */
function draw(video: HTMLVideoElement) {
  const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
  const canvas = document.createElement("canvas");
  const width = (canvas.width = Math.round(video.videoWidth * scale));
  const height = (canvas.height = Math.round(video.videoHeight * scale));
  const context = canvas.getContext("2d")!;
  context.drawImage(video, 0, 0, width, height);
  // Every fourth pixel's red, green and blue.
  const { data } = context.getImageData(0, 0, width, height);
  let sum = 0;
  for (let i = 0; i < data.length; i += 16) sum += data[i] + data[i + 1] + data[i + 2];
  return { canvas, brightness: (sum * 16) / 3 / data.length || 0 };
}

/**
 * A real frame of the video as a JPEG: seek, wait until the frame is decoded and shown, draw it; a frame that comes
 * out black (Chromium's first frame before decoding, a fade) is tried again further in, after a growing pause. The
 * MP4 comes from the page's own origin (the API's signed link), so the canvas is not tainted and can be read.
 */
export async function stillOf(url: string): Promise<Blob> {
  const video = document.createElement("video");
  video.muted = true;
  video.preload = "auto";
  video.playsInline = true;
  video.setAttribute("aria-hidden", "true");
  video.style.cssText = "position:fixed;left:-10000px;top:0;width:2px;height:2px;opacity:0;pointer-events:none";
  document.body.appendChild(video);
  try {
    const loaded = once(video, "loadeddata");
    video.src = url;
    await loaded;
    for (const [attempt, at] of TRIES.entries()) {
      await sleep(attempt * BACKOFF_MS);
      const seeked = once(video, "seeked");
      video.currentTime = (video.duration || 1) * at;
      await seeked;
      // The seek is done when the frame is ready to be shown; the next frame presented is surely the one sought
      // (an element off-screen may present none: then a moment's wait).
      await new Promise((resolve) => {
        video.requestVideoFrameCallback?.(resolve);
        setTimeout(resolve, 150);
      });
      const { canvas, brightness } = draw(video);
      if (brightness < DARK) continue;
      const jpeg = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.8));
      // A 640 px still at 0.8 is some 40 KB: far under the API's 256 KB.
      if (jpeg && jpeg.size <= MAX_BYTES) return jpeg;
    }
    throw new Error("no frame of the video could be drawn");
  } finally {
    video.removeAttribute("src");
    video.load();
    video.remove();
  }
}

/** Sends the still the page drew. The route takes the JPEG as it is (no JSON), so the body goes in `init`. */
const sendPoster = (id: string, jpeg: Blob) =>
  done(api.videos[":id"].poster.$put({ param: { id } }, { headers: { "Content-Type": "image/jpeg" }, init: { body: jpeg } }));

const tried = new Set<string>();
let making = false;

/**
 * Gives every video of the library that has no poster one, one video at a time: whichever page shows the library
 * first (the chat after a reload, My videos) makes them, even for videos finished while no page was open.
 */
export async function makePosters(): Promise<void> {
  if (making) return;
  making = true;
  try {
    for (let next; (next = store.library.value?.find((video) => !video.posterUrl && !tried.has(video.videoId))); ) {
      tried.add(next.videoId);
      try {
        await sendPoster(next.videoId, await stillOf(next.url));
        const { posterUrl } = await ok(api.videos[":id"].$get({ param: { id: next.videoId } }));
        updateVideo(next.videoId, { posterUrl });
      } catch {
        // Best effort: a video without a poster still plays, and the card shows PromptReel's frame instead.
      }
    }
  } finally {
    making = false;
  }
}
