import type { Draft } from "./drafts";
import type { Turn } from "./turns";

/** A NemoVideo account: anonymous (`anon_…`, one per client id) or registered (`usr_…`). */
export interface User {
  id: string;
  anonymous: boolean;
  clientId?: string;
  available: number;
  frozen: number;
}

/** An access token as issued; `issuedAt` moves back when a fault expires it, as if a week had passed. */
export interface IssuedToken {
  token: string;
  userId: string;
  clientId?: string;
  address?: string;
  issuedAt: number;
  expiresAt: number;
}

/** A file the session knows about (`state.video_infos`). */
export interface MediaInfo {
  filename: string;
  file_type: "video" | "image" | "audio";
  cdn_url: string;
  duration: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  hash: string;
  size?: number;
  source: "upload" | "url" | "generated";
}

/** The agent's state of a session; every key may be missing on a new session. */
export interface SessionState {
  draft?: Draft | null;
  video_infos?: MediaInfo[];
  generated_media?: Record<string, unknown>[];
  canvas_config?: Record<string, unknown>;
  video_analyses?: Record<string, unknown>;
}

export interface Session {
  id: string;
  taskId: string;
  taskName: string;
  userId: string;
  language?: string;
  createdAt: number;
  state: SessionState;
  /** The running turn, until it settles. */
  turn?: Turn;
  /** Edit turns started so far, for the "every 3rd edit is silent" rule. */
  edits: number;
}

/** An export job; its status is derived from the clock (see render-jobs.ts). */
export interface Render {
  id: string;
  userId: string;
  sessionId?: string;
  createdAt: number;
  /** Real ms from creation to the end, already scaled. */
  durationMs: number;
  clip: number;
  /** Set by the `fail-render` fault: the render ends `failed` with this error. */
  failWith?: string;
  outcome?: { status: "completed" | "failed"; at: number; progress: number; error?: string };
}

/** Byte counts of one multipart upload, kept so the tests can see that nothing was buffered. */
export interface UploadStats {
  sessionId: string;
  files: { filename: string; bytes: number }[];
  totalBytes: number;
  maxBufferedBytes: number;
}

function empty() {
  return {
    users: new Map<string, User>(),
    tokens: new Map<string, IssuedToken>(),
    claimTokens: [] as { claimToken: string; sessionId: string; taskId: string; issuedAt: number }[],
    sessions: new Map<string, Session>(),
    renders: new Map<string, Render>(),
    /** CDN stand-in: URL path → index of the clip served there. */
    cdn: new Map<string, number>(),
    uploads: [] as UploadStats[],
  };
}

/** Everything the emulator knows, in module memory (one isolate). */
export const store = empty();

/** Forgets every user, token, session, render and upload. */
export function resetStore(): void {
  Object.assign(store, empty());
}
