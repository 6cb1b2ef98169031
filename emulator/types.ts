// The emulator's shared types, at the bottom of its imports: a module that needs one imports it from here rather
// than from another module that uses it, so that no import runs in a circle.
import type { Draft } from "./drafts";

/** Seven days: the life of an anonymous token and the window of its rate limits (never scaled). */
export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** Bindings of the emulator Worker (see emulator/wrangler.toml). */
export interface EmulatorEnv {
  /** Multiplier for every simulated duration: 1 = real time, 0.005 in the tests. */
  TIME_SCALE?: string;
  /** Anonymous tokens one address may get in 7 days; 0 turns the limit off. */
  ANON_TOKENS_PER_IP?: string;
  /** Credits of a new anonymous user (NemoVideo grants 100; `npm start` grants more, so a whole demo fits). */
  ANON_CREDITS?: string;
}

/** Hono's environment for every route of the emulator. */
export interface AppEnv {
  Bindings: EmulatorEnv;
  Variables: { user: User; token: string };
}

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

/** Shapes of a render's progress over its time (the `renderProgress` switch, the `shape-render` fault). */
export const PROGRESS_CURVES = ["straight", "slow-start", "plateau", "steps", "stuck", "none"] as const;
export type ProgressCurve = (typeof PROGRESS_CURVES)[number];

/** An export job; its status is derived from the clock (see render-jobs.ts). */
export interface Render {
  id: string;
  userId: string;
  sessionId?: string;
  createdAt: number;
  /** Real ms from creation to the end, already scaled. */
  durationMs: number;
  progress: ProgressCurve;
  clip: number;
  /** Set by the `fail-render` fault: the render ends `failed` with this error. */
  failWith?: string;
  /** `progress` is left out with the "none" curve. */
  outcome?: { status: "completed" | "failed"; at: number; progress?: number; error?: string };
}

/** Byte counts of one multipart upload, kept so the tests can see that nothing was buffered. */
export interface UploadStats {
  sessionId: string;
  files: { filename: string; bytes: number; sha256?: string }[];
  totalBytes: number;
  maxBufferedBytes: number;
}

export type TurnKind = "generation" | "edit" | "text";

/** What a message will do, decided when it arrives. */
export interface TurnPlan {
  kind: TurnKind;
  tool?: "generate_video_with_seedance" | "edit_multitrack" | "generate_music";
  args?: Record<string, unknown>;
  /** Simulated duration before scaling, ms. */
  durationMs: number;
  cost: number;
  /** State keys replaced when the turn ends (ADK `actions.stateDelta`). */
  delta: SessionState;
  /** The reply, or null for a silent edit. */
  text: string | null;
  /** CDN paths that the turn's media will be served at, and the clip each serves. */
  media: { path: string; clip: number }[];
}

/** A turn under way: the plan with its clock and ids. */
export interface Turn extends TurnPlan {
  invocationId: string;
  callId: string;
  sessionId: string;
  userId: string;
  startedAt: number;
  /** Real epoch ms at which it settles (scaled). */
  endsAt: number;
}
