import { z } from "zod";
import type { EmulatorEnv } from "./types";

/** Every switch of the emulator: the variants of the upstream contract, and timing. */
export const ConfigSchema = z.object({
  /** Multiplier for simulated durations (turns, renders, heartbeats); token expiry is never scaled. */
  timeScale: z.number().positive(),
  /** Anonymous tokens per address in 7 days; 0 = no limit. */
  anonTokensPerIp: z.number().int().min(0),
  /** HTTP status of `code != 0` envelopes: a fitting 4xx, or always 200. */
  errorStatus: z.enum(["4xx", "200"]),
  /** Error envelopes without `message`. */
  omitMessage: z.boolean(),
  /** anonymous-token without `user_id`/`expires_at`, session without `user_id`. */
  omitOptionalFields: z.boolean(),
  /** ADK `Event` objects, or the `{"type":…}` family. */
  eventFamily: z.enum(["adk", "type"]),
  /** `: heartbeat` comment, an empty `data:` line, or a JSON heartbeat event. */
  heartbeatForm: z.enum(["comment", "empty-data", "json"]),
  /** Period of heartbeats before scaling, in ms. */
  heartbeatMs: z.number().positive(),
  /** ADK text as `partial: true` chunks, then one final event with the whole text. */
  partialText: z.boolean(),
  /** One more text event, "I encountered a temporary issue…", after the normal text. */
  trailingTemporaryIssue: z.boolean(),
  /** Text after an edit: every 3rd edit of a session is silent ("auto"), or always, or never. */
  editText: z.enum(["auto", "always", "never"]),
  /** Not enough credits for a turn: an envelope before any stream, or an error event inside it. */
  creditsErrorForm: z.enum(["envelope", "event"]),
  /** Poll answer: shape A (`id`, `outputUrl`, epoch ms) or shape B (`taskId`, `output.url`). */
  renderShape: z.enum(["a", "b"]),
  /** Render proxy answers inside `{"success":true,"data":…}` or bare. */
  renderEnvelope: z.enum(["wrapped", "bare"]),
  /** `GET /api/render/proxy/<id>/download`: the bytes, a 302 to them, or JSON with the url. */
  downloadForm: z.enum(["file", "redirect", "json"]),
  /** A render id used twice: refused with 409, or the existing job returned. */
  duplicateRender: z.enum(["refuse", "existing"]),
  /** Segment keys of the draft: `n,s,e,v` or `name,start,end,volume`. */
  draftKeys: z.enum(["short", "long"]),
  /** Largest accepted upload file, in bytes (code 4002 above it). */
  maxUploadBytes: z.number().int().positive(),
  /** anonymous-token without `user_id` while sessions still name the user (older documents). */
  tokenWithoutUserId: z.boolean(),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Partial update accepted by `POST /__emulator/config`; unknown keys are refused. */
export const ConfigPatchSchema = ConfigSchema.partial().strict();

const fixedDefaults: Omit<Config, "timeScale" | "anonTokensPerIp"> = {
  errorStatus: "4xx",
  omitMessage: false,
  omitOptionalFields: false,
  eventFamily: "adk",
  heartbeatForm: "comment",
  heartbeatMs: 15_000,
  partialText: false,
  trailingTemporaryIssue: false,
  editText: "auto",
  creditsErrorForm: "envelope",
  renderShape: "a",
  renderEnvelope: "wrapped",
  downloadForm: "file",
  duplicateRender: "refuse",
  draftKeys: "short",
  maxUploadBytes: 200 * 1024 * 1024,
  tokenWithoutUserId: false,
};

let env: EmulatorEnv = {};
let overrides: Partial<Config> = {};

/** Takes the Worker's bindings as the defaults for `timeScale` and `anonTokensPerIp`. */
export function bindEnv(next: EmulatorEnv): void {
  env = next;
}

function numberVar(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(parsed) ? parsed : fallback;
}

/** The defaults: the fixed ones plus the Worker's vars. */
export function defaults(): Config {
  return {
    ...fixedDefaults,
    timeScale: numberVar(env.TIME_SCALE, 1),
    anonTokensPerIp: numberVar(env.ANON_TOKENS_PER_IP, 10),
  };
}

/** The configuration in force now. */
export function config(): Config {
  return { ...defaults(), ...overrides };
}

/** Merges a validated patch into the overrides. */
export function patchConfig(patch: Partial<Config>): Config {
  overrides = { ...overrides, ...patch };
  return config();
}

/** Back to the defaults. */
export function resetConfig(): void {
  overrides = {};
}
