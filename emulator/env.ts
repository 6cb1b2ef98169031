import type { User } from "./store";

/** Bindings of the emulator Worker (see emulator/wrangler.toml). */
export interface EmulatorEnv {
  /** Multiplier for every simulated duration: 1 = real time, 0.005 in the tests. */
  TIME_SCALE?: string;
  /** Anonymous tokens one address may get in 7 days; 0 turns the limit off. */
  ANON_TOKENS_PER_IP?: string;
}

/** Hono's environment for every route of the emulator. */
export interface AppEnv {
  Bindings: EmulatorEnv;
  Variables: { user: User; token: string };
}
