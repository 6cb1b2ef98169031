/**
 * What the library keeps of each video beyond its export: its poster (made by the page, kept in our bucket) and
 * its share page's id. No other file reads or writes this table.
 */
export interface VideoMeta {
  videoId: string;
  posterKey?: string;
  shareId?: string;
}

export class VideoTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS video_meta (video_id TEXT PRIMARY KEY, poster_key TEXT, share_id TEXT UNIQUE)`);
  }

  all(): Map<string, VideoMeta> {
    return new Map(this.sql.exec("SELECT * FROM video_meta").toArray().map((row) => [String(row.video_id), toMeta(row)]));
  }

  find(videoId: string): VideoMeta | undefined {
    const [row] = this.sql.exec("SELECT * FROM video_meta WHERE video_id = ?", videoId).toArray();
    return row ? toMeta(row) : undefined;
  }

  byShare(shareId: string): VideoMeta | undefined {
    const [row] = this.sql.exec("SELECT * FROM video_meta WHERE share_id = ?", shareId).toArray();
    return row ? toMeta(row) : undefined;
  }

  setPoster(videoId: string, posterKey: string): void {
    this.sql.exec(
      "INSERT INTO video_meta (video_id, poster_key) VALUES (?, ?) ON CONFLICT(video_id) DO UPDATE SET poster_key = excluded.poster_key",
      videoId,
      posterKey,
    );
  }

  setShare(videoId: string, shareId: string | null): void {
    this.sql.exec(
      "INSERT INTO video_meta (video_id, share_id) VALUES (?, ?) ON CONFLICT(video_id) DO UPDATE SET share_id = excluded.share_id",
      videoId,
      shareId,
    );
  }

  remove(videoId: string): void {
    this.sql.exec("DELETE FROM video_meta WHERE video_id = ?", videoId);
  }
}

function toMeta(row: Record<string, SqlStorageValue>): VideoMeta {
  return {
    videoId: String(row.video_id),
    ...(row.poster_key == null ? {} : { posterKey: String(row.poster_key) }),
    ...(row.share_id == null ? {} : { shareId: String(row.share_id) }),
  };
}
