import type { Link } from "../words";

/** One line of the conversation as the page shows it. */
export interface Line {
  id: number;
  role: "user" | "assistant" | "activity" | "notice" | "error" | "video";
  text: string;
  link?: Link;
  /** A video line: the export it shows. */
  exportId?: string;
  /** An error that failed a message: the message as sent, which Retry sends again. */
  retry?: string;
}

/**
 * The conversation as it was: each message, and each video after the message that made it (the last message sent
 * before the video was).
 * @example placeVideos([{ role: "user", text: "a fox", at: 1 }, { role: "user", text: "hi", at: 9 }], [{ exportId: "exp_1", at: 5 }])
 * // the fox, the video, "hi"
 */
export function placeVideos(
  messages: { role: "user" | "assistant"; text: string; at: number }[],
  videos: { exportId: string; at: number }[],
): Omit<Line, "id">[] {
  const waiting = [...videos].sort((a, b) => a.at - b.at);
  const lines: Omit<Line, "id">[] = [];
  const placeBefore = (at: number) => {
    while (waiting.length && waiting[0].at < at) lines.push({ role: "video", text: "", exportId: waiting.shift()!.exportId });
  };
  for (const message of messages) {
    if (message.role === "user") placeBefore(message.at);
    lines.push({ role: message.role, text: message.text });
  }
  placeBefore(Infinity);
  return lines;
}
