import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { follow, hrefOf } from "../route";
import { troubleFrom } from "../words";
import { ConfirmDelete } from "./ConfirmDelete";
import { listVideos, shareVideo, stopSharing, type Video } from "./library";
import { Player } from "./Player";
import { makePoster } from "./poster";
import { VideoCard } from "./VideoCard";
import "./videos.css";

/**
 * My videos (`/videos`): every finished video of the visitor, newest first, to play large, download, share by a
 * public link, or delete. A video listed without a poster gets one: the page draws a still and keeps it.
 */
export function MyVideos() {
  const [videos, setVideos] = useState<Video[] | undefined>(undefined);
  const [failed, setFailed] = useState<string | undefined>(undefined);
  const [playing, setPlaying] = useState<Video | undefined>(undefined);
  const [deleting, setDeleting] = useState<Video | undefined>(undefined);
  const [said, setSaid] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  const posterTried = useRef(new Set<string>());
  const [posterTurn, setPosterTurn] = useState(0);

  /** Changes one video in the list (fields merged, so a poster made meanwhile is kept). */
  const update = (videoId: string, fields: Partial<Video>) =>
    setVideos((all) => all?.map((each) => (each.videoId === videoId ? { ...each, ...fields } : each)));
  const load = () => {
    setFailed(undefined);
    listVideos().then(setVideos, (error) => setFailed(troubleFrom(error).text));
  };
  useEffect(() => {
    const title = document.title;
    document.title = `${t.myVideos} · ${t.title}`;
    // Arrived by a link or Back (something had the focus): the focus moves to the new screen's heading.
    if (document.activeElement !== document.body) heading.current?.focus();
    load();
    return () => void (document.title = title);
  }, []);

  // One poster at a time, each tried once (a still that can't be drawn leaves the plain frame); each turn ends,
  // made or not, by starting the next.
  useEffect(() => {
    const next = videos?.find((video) => !video.posterUrl && !posterTried.current.has(video.videoId));
    if (!next) return;
    posterTried.current.add(next.videoId);
    makePoster(next)
      .then((made) => update(made.videoId, made), () => {})
      .finally(() => setPosterTurn((turn) => turn + 1));
  }, [videos === undefined, posterTurn]);

  const act = async (video: Video, step: () => Promise<Partial<Video>>, words?: string) => {
    try {
      update(video.videoId, await step());
      if (words) setSaid(words);
    } catch (error) {
      setSaid(troubleFrom(error).text);
    }
  };
  const share = (video: Video) => act(video, async () => ({ shareUrl: await shareVideo(video.videoId) }));
  const unshare = (video: Video) =>
    act(video, async () => (await stopSharing(video.videoId), { shareUrl: undefined }), t.sharingStopped(video.title));
  const deleted = (video: Video) => {
    setDeleting(undefined);
    setVideos((all) => all?.filter((each) => each.videoId !== video.videoId));
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
              onShare={() => share(video)}
              onStopSharing={() => unshare(video)}
              onDelete={() => setDeleting(video)}
            />
          ))}
        </ul>
      )}
      {playing && <Player video={playing} onClose={() => setPlaying(undefined)} />}
      {deleting && <ConfirmDelete video={deleting} onDeleted={() => deleted(deleting)} onClose={() => setDeleting(undefined)} />}
    </main>
  );
}
