import { notFound } from "../errors";
import type { KeptFiles } from "../exports/file";
import type { Scope } from "../scope";
import { forgetShare, rememberShare } from "./cache";
import { type VideoMeta, VideoTable } from "./table";
import { type PageAsk, pageOf } from "../cursor";

/** A video as the visitor's Durable Object knows it; the Worker adds the signed and public addresses. */
export interface LibraryVideo {
  videoId: string;
  title: string;
  createdAt: number;
  durationS?: number;
  width: number;
  height: number;
  fileKey: string;
  posterKey?: string;
  shareId?: string;
}

/** Where a video's poster is kept in the `VIDEOS` bucket: beside its MP4 (`fileKey` in exports/file.ts). */
export const posterKey = (visitorId: string, videoId: string) => `videos/${visitorId}/${videoId}.jpg`;

/** NemoVideo renders 720p: the frame when the draft didn't say. */
const FRAME = { width: 1280, height: 720 };
/** A share page's id: 16 random bytes, so it can't be guessed, and it says nothing of the video or its export. */
const newShareId = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/**
 * The visitor's videos: every export whose file is kept in our bucket, newest first, with what the library adds
 * (a poster, a share page). Deleting one deletes its file, its poster and its share page.
 */
export class Library {
  private readonly table: VideoTable;

  constructor(
    private readonly scope: Scope,
    private readonly files: KeptFiles,
  ) {
    this.table = new VideoTable(scope.sql);
  }

  /** One page of the videos, newest first, keyed by when each export was made; those in `except` left out. */
  list(page: PageAsk, except?: string[]): { videos: LibraryVideo[]; nextCursor: string | null } {
    const meta = this.table.all();
    const { items, nextCursor } = pageOf(this.files.kept(page, except), page.limit, (row) => ({ at: row.createdAt, id: row.exportId }));
    return { videos: items.map((row) => toVideo(row, meta.get(row.exportId))), nextCursor };
  }

  /** Those of `videoIds` that are kept, by id. */
  among(videoIds: string[]): Map<string, LibraryVideo> {
    return new Map(videoIds.flatMap((videoId) => this.find(videoId) ?? []).map((video) => [video.videoId, video]));
  }

  /** The video, or 404. */
  read(videoId: string): LibraryVideo {
    const video = this.find(videoId);
    if (!video) throw notFound("That video");
    return video;
  }

  /** The video behind a share page, while it is shared; else 404. */
  shared(shareId: string): LibraryVideo {
    const meta = this.table.byShare(shareId);
    const video = meta && this.find(meta.videoId);
    if (!video) throw notFound("That shared video");
    return video;
  }

  /** Its share page's id: the one it has, or a new one (`created`). */
  async share(visitorId: string, videoId: string): Promise<{ shareId: string; created: boolean }> {
    const video = this.read(videoId);
    if (video.shareId) return { shareId: video.shareId, created: false };
    const shareId = newShareId();
    await rememberShare(this.scope.env, shareId, visitorId);
    this.table.setShare(videoId, shareId);
    return { shareId, created: true };
  }

  async unshare(videoId: string): Promise<void> {
    const video = this.read(videoId);
    if (!video.shareId) return;
    this.table.setShare(videoId, null);
    await forgetShare(this.scope.env, video.shareId);
  }

  /** The page made a poster (the Worker put it in the bucket under `posterKey`). */
  posterKept(videoId: string, posterKey: string): void {
    this.read(videoId);
    this.table.setPoster(videoId, posterKey);
  }

  /** Deletes the video: its file, its poster and its share page. Its export then answers its download as gone. */
  async delete(videoId: string): Promise<void> {
    const video = this.read(videoId);
    if (video.shareId) await forgetShare(this.scope.env, video.shareId);
    if (video.posterKey) await this.scope.env.VIDEOS.delete(video.posterKey);
    await this.files.drop(videoId);
    this.table.remove(videoId);
  }

  /** The visitor asked to be forgotten: every video goes (the exports drop their files themselves). */
  async forget(): Promise<void> {
    for (const meta of this.table.all().values()) {
      if (meta.shareId) await forgetShare(this.scope.env, meta.shareId);
      if (meta.posterKey) await this.scope.env.VIDEOS.delete(meta.posterKey);
      this.table.remove(meta.videoId);
    }
  }

  private find(videoId: string): LibraryVideo | undefined {
    const row = this.files.keptOne(videoId);
    return row && toVideo(row, this.table.find(videoId));
  }
}

function toVideo(
  row: { exportId: string; title?: string; createdAt: number; durationS?: number; width?: number; height?: number; fileKey?: string },
  meta: VideoMeta | undefined,
): LibraryVideo {
  return {
    videoId: row.exportId,
    title: row.title || "Untitled video",
    createdAt: row.createdAt,
    ...(row.durationS ? { durationS: row.durationS } : {}),
    ...(row.width && row.height ? { width: row.width, height: row.height } : FRAME),
    fileKey: row.fileKey!,
    ...(meta?.posterKey ? { posterKey: meta.posterKey } : {}),
    ...(meta?.shareId ? { shareId: meta.shareId } : {}),
  };
}
