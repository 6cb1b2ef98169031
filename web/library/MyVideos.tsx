import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { follow, hrefOf } from "../route";
import { store, use } from "../state";
import { troubleFrom } from "../words";
import { ConfirmDelete } from "./ConfirmDelete";
import { ConnectedApps } from "./ConnectedApps";
import { Player } from "./Player";
import { VideoCard } from "./VideoCard";
import { loadLibrary, shareVideo, stopSharing, type Video } from "./videos";
import "./videos.css";

/**
 * My videos (`/videos`): every finished video of the visitor, newest first, to play large, download, share by a
 * public link, open the conversation that made it, or delete. The list is the store's library, so a video made or
 * deleted anywhere shows here at once; a video listed without a poster gets one (library/poster.ts).
 */
export function MyVideos({ onOpen }: { onOpen(sessionId: string): void }) {
  const videos = use(() => store.library.value);
  const sessions = use(() => store.videoSessions.value);
  const [failed, setFailed] = useState<string | undefined>(undefined);
  const [playing, setPlaying] = useState<Video | undefined>(undefined);
  const [deleting, setDeleting] = useState<Video | undefined>(undefined);
  const [said, setSaid] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);

  const load = () => {
    setFailed(undefined);
    loadLibrary().catch((error) => setFailed(troubleFrom(error).text));
  };
  useEffect(() => {
    const title = document.title;
    document.title = `${t.myVideos} · ${t.title}`;
    // Arrived by a link or Back (something had the focus): the focus moves to the new screen's heading.
    if (document.activeElement !== document.body) heading.current?.focus();
    load();
    return () => void (document.title = title);
  }, []);

  const act = async (step: Promise<void>, words?: string) => {
    try {
      await step;
      if (words) setSaid(words);
    } catch (error) {
      setSaid(troubleFrom(error).text);
    }
  };
  const deleted = (video: Video) => {
    setDeleting(undefined);
    setSaid(t.deleted(video.title));
    // The card and its Delete button are gone: the focus goes to the list's heading.
    requestAnimationFrame(() => heading.current?.focus());
  };
  return (
    <main class="my-videos">
      <div class="videos-head">
        <h2 id="videos-title" ref={heading} tabIndex={-1}>
          {t.myVideos}
        </h2>
        {videos && videos.length > 0 && (
          <a class="button primary" href={hrefOf("make")} onClick={follow("make")}>
            {t.makeVideo}
          </a>
        )}
      </div>
      <p class="muted" role="status">
        {said || (videos ? (videos.length ? t.videosCount(videos.length) : "") : failed ? "" : t.videosLoading)}
      </p>
      {failed && (
        <div class="videos-empty">
          <p role="alert">{failed}</p>
          <button type="button" onClick={load}>
            {t.retry}
          </button>
        </div>
      )}
      {videos?.length === 0 && (
        <div class="videos-empty">
          <p>{t.videosEmpty}</p>
          <a class="button primary" href={hrefOf("make")} onClick={follow("make")}>
            {t.makeVideo}
          </a>
        </div>
      )}
      {videos && videos.length > 0 && (
        <ul class="video-grid" aria-labelledby="videos-title">
          {videos.map((video) => (
            <VideoCard
              key={video.videoId}
              video={video}
              onPlay={() => setPlaying(video)}
              onShare={() => act(shareVideo(video.videoId))}
              onStopSharing={() => act(stopSharing(video.videoId), t.sharingStopped(video.title))}
              onDelete={() => setDeleting(video)}
              onOpen={sessions[video.videoId] ? () => onOpen(sessions[video.videoId]) : undefined}
            />
          ))}
        </ul>
      )}
      <ConnectedApps />
      {playing && <Player video={playing} onClose={() => setPlaying(undefined)} />}
      {deleting && <ConfirmDelete video={deleting} onDeleted={() => deleted(deleting)} onClose={() => setDeleting(undefined)} />}
    </main>
  );
}
