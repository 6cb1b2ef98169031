// The media NemoVideo takes, by file name (worker/nemo/formats.ts).
import { describe, expect, it } from "vitest";
import { mediaKindOf } from "../../worker/nemo/formats";

describe("supported media by file name", () => {
  it("knows videos, images and audio by extension, in any case", () => {
    expect(["clip.mp4", "CLIP.MOV", "a.avi", "b.webm", "c.mkv", "/path/to/video.MP4"].map(mediaKindOf)).toEqual(Array(6).fill("video"));
    expect(["p.jpg", "p.PNG", "p.gif", "p.webp"].map(mediaKindOf)).toEqual(Array(4).fill("image"));
    expect(["s.mp3", "s.wav", "s.m4a", "s.aac"].map(mediaKindOf)).toEqual(Array(4).fill("audio"));
  });

  it("refuses anything else", () => {
    for (const name of ["notes.txt", "movie.mp4.zip", "mp4", "clip.", "", "archive.tar.gz", "video.flv"])
      expect(mediaKindOf(name)).toBeUndefined();
  });
});
