import { readVideo, sendPoster, type Video } from "./library";

/** Posters are small: a still at most this wide, and at most the 256 KB the API takes. */
const MAX_WIDTH = 640;
const MAX_BYTES = 256 * 1024;

/** Waits for one of a media element's events; an `error` event rejects. */
const once = (video: HTMLVideoElement, name: string) =>
  new Promise<void>((resolve, reject) => {
    video.addEventListener(name, () => resolve(), { once: true });
    video.addEventListener("error", () => reject(video.error ?? new Error("the video could not be loaded")), { once: true });
  });

/** The frame a video element shows now, as a JPEG at most 640 px wide and 256 KB. */
export async function jpegOf(video: HTMLVideoElement): Promise<Blob> {
  const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  if (!canvas.width || !canvas.height) throw new Error("the video shows no frame yet");
  canvas.getContext("2d")!.drawImage(video, 0, 0, canvas.width, canvas.height);
  for (const quality of [0.8, 0.6, 0.4]) {
    const jpeg = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
    if (jpeg && jpeg.size <= MAX_BYTES) return jpeg;
  }
  throw new Error("the still is too large for a poster");
}

/**
 * A still of the video as a JPEG: about one second in (the middle of a shorter clip), at most 640 px wide. The
 * MP4 comes from the page's own origin (the API's signed link), so the canvas is not tainted and can be read.
 */
export async function stillOf(url: string): Promise<Blob> {
  const video = document.createElement("video");
  video.muted = true;
  video.preload = "auto";
  video.crossOrigin = "anonymous";
  video.playsInline = true;
  video.setAttribute("aria-hidden", "true");
  video.style.cssText = "position:fixed;left:-10000px;top:0;width:1px;height:1px;opacity:0;pointer-events:none";
  document.body.appendChild(video);
  try {
    const loaded = once(video, "loadedmetadata");
    video.src = url;
    await loaded;
    const seeked = once(video, "seeked");
    video.currentTime = video.duration >= 2 ? 1 : video.duration / 2 || 0;
    await seeked;
    return await jpegOf(video);
  } finally {
    video.removeAttribute("src");
    video.load();
    video.remove();
  }
}

/** Makes the video's poster and keeps it with the API; answers the video as it is now (with its `posterUrl`). */
export async function makePoster(video: Video): Promise<Video> {
  await sendPoster(video.videoId, await stillOf(video.url));
  return readVideo(video.videoId);
}
