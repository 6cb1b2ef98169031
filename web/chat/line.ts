import type { Line } from "../state";

type Placed = Omit<Line, "id">;

/**
 * The conversation as it was: each message, and each video after the message that made it (the last message sent
 * before the video was).
 * @example placeVideos([{ role: "user", text: "a fox", at: 1 }, { role: "user", text: "hi", at: 9 }], [{ videoId: "exp_1", at: 5 }])
 * // the fox, the video, "hi"
 */
export function placeVideos(
  messages: { role: Line["role"]; text: string; at: number }[],
  videos: (Pick<Line, "videoId" | "generationId"> & { at: number })[],
): Placed[] {
  const waiting = [...videos].sort((a, b) => a.at - b.at);
  const lines: Placed[] = [];
  const placeBefore = (at: number) => {
    while (waiting.length && waiting[0].at < at) {
      const { at: _at, ...video } = waiting.shift()!;
      lines.push({ role: "video", text: "", ...video });
    }
  };
  for (const message of messages) {
    if (message.role === "user") placeBefore(message.at);
    lines.push({ role: message.role, text: message.text });
  }
  placeBefore(Infinity);
  return lines;
}
