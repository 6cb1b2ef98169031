import type { InferResponseType } from "hono/client";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Choices } from "../worker/generations/choices";
import type { api } from "./api";
import { batch, effect, signal } from "./signals";
import type { Link } from "./words";

export { batch, effect, signal };
export type { Signal } from "./signals";

/** The API's answers the page keeps (types from the Worker's zod schemas). */
export type ExportView = InferResponseType<(typeof api.exports)[":id"]["$get"], 200>;
export type GenerationView = InferResponseType<(typeof api.generations)[":id"]["$get"], 200>;
export type Video = InferResponseType<(typeof api.videos)[":id"]["$get"], 200>;
export type SessionView = InferResponseType<(typeof api.sessions)[":id"]["$get"], 200>;
export type Conversation = InferResponseType<typeof api.sessions.$get, 200>["sessions"][number];

/** One line of the conversation as the page shows it. */
export interface Line {
  id: number;
  role: "user" | "assistant" | "activity" | "notice" | "error" | "video";
  text: string;
  link?: Link;
  /** A video line: the export that made it, or the generation (a variation) that is making it. */
  videoId?: string;
  generationId?: string;
  /** An error that failed a message: the message as sent, which Retry sends again. */
  retry?: string;
}

/** An export as the conversation shows it: the API's view (its time left is the API's `estimatedCompletionAt`). */
export interface Shown {
  view: ExportView;
}

/**
 * The page's one state, read by every screen: the conversation (its lines, its running turn), its videos (exports
 * and variations), the library, the credits and the recent conversations. A change made anywhere (a delete in My
 * videos, a stop, a new video) shows everywhere at once, because every screen reads it here.
 */
export const store = {
  sessionId: signal<string | undefined>(undefined),
  lines: signal<Line[]>([]),
  /** A reply is being written: since when (the turn's start, from the API after a reload). */
  turn: signal<{ since: number; status: string } | undefined>(undefined),
  /** While the running turn makes a video: since when. */
  making: signal<number | undefined>(undefined),
  exports: signal<Record<string, Shown>>({}),
  generations: signal<Record<string, GenerationView>>({}),
  /** Every finished video of the visitor, newest first (undefined until read). */
  library: signal<Video[] | undefined>(undefined),
  /** Which conversation made each video: `Open its conversation` in My videos. */
  videoSessions: signal<Record<string, string>>({}),
  credits: signal<number | undefined>(undefined),
  recent: signal<Conversation[]>([]),
  session: signal<SessionView | undefined>(undefined),
  /** The newest video's project in NemoVideo's own editor (a claim link), where that is real. */
  claimUrl: signal<string | undefined>(undefined),
  /** The emulator answers (`GET /service`): its videos are sample clips. */
  sampleClips: signal(false),
  /** The prompt box, and the choices beside it. */
  text: signal(""),
  choices: signal<Choices>({}),
  /** A prompt that reads as a new subject in a conversation whose video is done: New video, or Change this one. */
  offer: signal<{ words: string; sent: string } | undefined>(undefined),
};

let nextLine = 1;

/** Adds a line to the conversation; answers its id. */
export function addLine(line: Omit<Line, "id">): number {
  const id = nextLine++;
  store.lines.value = [...store.lines.value, { ...line, id }];
  return id;
}

/** Gives lines that have none an id of their own. */
export const numbered = (lines: Omit<Line, "id">[]): Line[] => lines.map((line) => ({ ...line, id: nextLine++ }));

/** A video of the library, once the library is read: undefined while unknown, null when it is gone (deleted). */
export function videoOf(videoId: string): Video | null | undefined {
  const library = store.library.value;
  return library && (library.find((video) => video.videoId === videoId) ?? null);
}

/** Changes one video of the library (fields merged, so a poster made meanwhile is kept). */
export function updateVideo(videoId: string, fields: Partial<Video>): void {
  store.library.value = store.library.value?.map((video) => (video.videoId === videoId ? { ...video, ...fields } : video));
}

/**
 * What a component shows of the store: `read` runs again whenever a signal it read changes, and the component
 * renders again when the answer differs from the one it last rendered (also for a change that came between its
 * render and its effect, which a busy page can leave a while apart).
 * @example const credits = use(() => store.credits.value);
 */
export function use<T>(read: () => T): T {
  const [, rerender] = useState(0);
  const reader = useRef(read);
  const value = (reader.current = read)();
  const shown = useRef(value);
  shown.current = value;
  useEffect(() => effect(() => void (reader.current() !== shown.current && rerender((n) => n + 1))), []);
  return value;
}
