import { html } from "hono/html";

/** What a share page shows: a video kept in our bucket, at public addresses of its own. */
export interface SharedVideo {
  title: string;
  durationS?: number;
  width: number;
  height: number;
  /** Absolute addresses: the page itself, its player-only page, the MP4 (answers ranges), the poster. */
  pageUrl: string;
  embedUrl: string;
  videoUrl: string;
  posterUrl: string;
  /** Where "Make your own" leads: the app. */
  appUrl: string;
  /** Made by the embedded emulator (`npm start`): a sample clip, not made from its prompt, and the page says so. */
  sampleClip: boolean;
}

const PROVIDER = "PromptReel";

/** Every page's first lines, to its `<title>` ("… · PromptReel"); the page goes on inside `<head>`. */
const opening = (title: string) => html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${PROVIDER}</title>`;

/** The player's size in a card or an oEmbed frame: 640 wide, the video's shape. */
export const frameSize = (video: Pick<SharedVideo, "width" | "height">) => ({
  width: 640,
  height: Math.round((640 * video.height) / video.width),
});

/** What a sample clip is, for a person who meets one on a share page or in a link preview. */
const SAMPLE_CLIP = "A sample clip: this PromptReel runs on its built-in stand-in for NemoVideo, so the video was not made from its prompt.";

/** The title a share page gives elsewhere (its tab, link previews, oEmbed): a sample clip says it is one. */
const titleOf = (video: Pick<SharedVideo, "title" | "sampleClip">) => (video.sampleClip ? `${video.title} (sample clip)` : video.title);

/** A box of the video's own shape, as wide as the page allows and at most 70% of the screen's height. */
const fitted = ({ width, height }: Pick<SharedVideo, "width" | "height">) => `max-width:min(100%, calc(70vh * ${width} / ${height}))`;

/**
 * The share page: plays with no script (`<video src>` of the public MP4), and carries what link previews read:
 * Open Graph (a video), a Twitter player card pointing at the player-only page, and oEmbed discovery.
 */
export function sharePage(video: SharedVideo): string {
  const { width, height } = frameSize(video);
  const oembed = `${new URL(video.pageUrl).origin}/oembed?url=${encodeURIComponent(video.pageUrl)}`;
  const title = titleOf(video);
  const description = video.sampleClip ? SAMPLE_CLIP : `A video made with ${PROVIDER}: ${video.title}`;
  return html`${opening(title)}
<meta name="description" content="${description}">
<meta property="og:site_name" content="${PROVIDER}">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${description}">
<meta property="og:type" content="video.other">
<meta property="og:url" content="${video.pageUrl}">
<meta property="og:image" content="${video.posterUrl}">
<meta property="og:video" content="${video.videoUrl}">
<meta property="og:video:secure_url" content="${video.videoUrl}">
<meta property="og:video:type" content="video/mp4">
<meta property="og:video:width" content="${video.width}">
<meta property="og:video:height" content="${video.height}">
<meta name="twitter:card" content="player">
<meta name="twitter:title" content="${title}">
<meta name="twitter:image" content="${video.posterUrl}">
<meta name="twitter:player" content="${video.embedUrl}">
<meta name="twitter:player:width" content="${width}">
<meta name="twitter:player:height" content="${height}">
<meta name="twitter:player:stream" content="${video.videoUrl}">
<meta name="twitter:player:stream:content_type" content="video/mp4">
<link rel="alternate" type="application/json+oembed" href="${oembed}" title="${title}">
<style>${STYLE}</style>
</head>
<body>
<main>
  <h1>${video.title}</h1>
  ${video.sampleClip ? html`<p class="sample">${SAMPLE_CLIP}</p>` : ""}
  <video controls playsinline preload="metadata" src="${video.videoUrl}" poster="${video.posterUrl}" width="${video.width}" height="${video.height}" style="${fitted(video)}"></video>
  <p class="made">Made with <a href="${video.appUrl}">${PROVIDER}</a>: describe a video, and it is made for you. <a class="own" href="${video.appUrl}">Make your own</a></p>
</main>
</body>
</html>`.toString();
}

/** The player alone, for a card or an iframe elsewhere (`twitter:player`, oEmbed). */
export function embedPage(video: SharedVideo): string {
  return html`${opening(titleOf(video))}
<style>html,body{margin:0;height:100%;background:#000}video{width:100%;height:100%;object-fit:contain}</style>
</head>
<body><video controls playsinline preload="metadata" src="${video.videoUrl}" poster="${video.posterUrl}" aria-label="${titleOf(video)}"></video></body>
</html>`.toString();
}

/** The oEmbed answer (version 1.0, type video): an iframe of the player-only page. */
export function oembedOf(video: SharedVideo) {
  const { width, height } = frameSize(video);
  const title = titleOf(video);
  return {
    version: "1.0" as const,
    type: "video" as const,
    title,
    provider_name: PROVIDER,
    provider_url: video.appUrl,
    width,
    height,
    thumbnail_url: video.posterUrl,
    thumbnail_width: width,
    thumbnail_height: height,
    html: `<iframe src="${video.embedUrl}" width="${width}" height="${height}" title="${title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}" frameborder="0" allow="fullscreen; picture-in-picture" allowfullscreen></iframe>`,
  };
}

const STYLE = `
body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#0f1115;color:#f2f3f5}
main{max-width:56rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.4rem;margin:0 0 1rem}
video{display:block;width:100%;height:auto;margin:0 auto;background:#000;border-radius:.5rem}
a{color:#9ab8ff}
.made{color:#c5c8ce}
.sample{margin:0 0 1rem;padding:.5rem .75rem;border-radius:.4rem;background:#2a2410;color:#f5e2a8}
.own{display:inline-block;margin-left:.5rem;padding:.35rem .8rem;border-radius:.4rem;background:#3b5bdb;color:#fff;text-decoration:none;font-weight:600}
`;

/** What a share link answers once it is taken down (or never was): said plainly, with the way to make one. */
export function notSharedPage(appUrl: string): string {
  return html`${opening("Not shared")}
<style>${STYLE}</style>
</head>
<body><main><h1>This video is not shared</h1><p class="made">Whoever shared it took it down, or deleted it. <a class="own" href="${appUrl}/">Make your own</a></p></main></body>
</html>`.toString();
}
