import type { IssuedToken, Render, Session, UploadStats, User } from "./types";

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
