import { z } from "zod";
import { type EmulatorEnv, PROGRESS_CURVES, WEEK_MS } from "./types";

/** Every switch of the emulator: the variants of the upstream contract, and timing. */
export const ConfigSchema = z.object({
  /** Multiplier for simulated durations (turns, renders, heartbeats); token expiry is never scaled. */
  timeScale: z.number().positive(),
  /** Anonymous tokens per address in 7 days; 0 = no limit. */
  anonTokensPerIp: z.number().int().min(0),
  /** Credits of each new anonymous user (NemoVideo's 100 unless the `ANON_CREDITS` var says otherwise). */
  anonCredits: z.number().int().min(0),
  /** Anonymous tokens per client id in 7 days; 0 = no limit. */
  anonTokensPerClient: z.number().int().min(0),
  /** Life of the anonymous tokens issued from now on, in real ms (never scaled); the 7-day windows stay. */
  anonTokenLifeMs: z.number().int().positive(),
  /** HTTP status of `code != 0` envelopes: a fitting 4xx, or always 200. */
  errorStatus: z.enum(["4xx", "200"]),
  /** Error envelopes without `message`. */
  omitMessage: z.boolean(),
  /** anonymous-token without `user_id`/`expires_at`, session without `user_id`. */
  omitOptionalFields: z.boolean(),
  /** ADK `Event` objects, or the `{"type":…}` family. */
  eventFamily: z.enum(["adk", "type"]),
  /** `: heartbeat` comment, an empty `data:` line, `{"type":"heartbeat"}`, or an ADK event with no content. */
  heartbeatForm: z.enum(["comment", "empty-data", "json", "adk-empty"]),
  /** Period of heartbeats before scaling, in ms. */
  heartbeatMs: z.number().positive(),
  /** ADK text as `partial: true` chunks, then one final event with the whole text. */
  partialText: z.boolean(),
  /** A SHA-256 of each uploaded part, for the tests (off in the bench, where the emulator is the uploads' sink). */
  uploadDigests: z.boolean(),
  /** Where partial chunks are cut: between words, or inside every GUI phrase and the "temporary issue" notice. */
  partialCut: z.enum(["words", "inside-phrases"]),
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
  /** HTTP status of the render proxy's `{"success":false,"error"}`: a fitting 4xx, or always 200. */
  renderErrorStatus: z.enum(["4xx", "200"]),
  /** Progress of a render over its time; "none" leaves the field out. */
  renderProgress: z.enum(PROGRESS_CURVES),
  /** A completed render's poll answer names its file (`outputUrl`, `output.url`), or not: then only the download endpoint does. */
  renderOutputUrl: z.boolean(),
  /** `GET /api/render/proxy/<id>/download`: the bytes, a 302 to them, or JSON with the url. */
  downloadForm: z.enum(["file", "redirect", "json"]),
  /** A render id used twice: refused with 409, or the existing job returned. */
  duplicateRender: z.enum(["refuse", "existing"]),
  /** Segment keys of the draft: `n,s,e,v`, `name,start,end,volume`, `name,in,out,volume` or `label,from,to,volume`. */
  draftKeys: z.enum(["short", "long", "in-out", "from-to"]),
  /** Generations add a fourth track of a type outside 0/1/7 (`tt: 3`, stickers). */
  otherTracks: z.boolean(),
  /** A new session's `state`: `{"draft":null}`, `null`, or every key present and null. */
  newSessionState: z.enum(["draft-null", "null", "nulls"]),
  /** Largest accepted upload file, in bytes (code 4002 above it). */
  maxUploadBytes: z.number().int().positive(),
  /** anonymous-token without `user_id` while sessions still name the user (older documents). */
  tokenWithoutUserId: z.boolean(),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Partial update accepted by `POST /__emulator/config`; unknown keys are refused. */
export const ConfigPatchSchema = ConfigSchema.partial().strict();

const fixedDefaults: Omit<Config, "timeScale" | "anonTokensPerIp" | "anonCredits"> = {
  anonTokensPerClient: 1,
  anonTokenLifeMs: WEEK_MS,
  errorStatus: "4xx",
  omitMessage: false,
  omitOptionalFields: false,
  eventFamily: "adk",
  heartbeatForm: "comment",
  heartbeatMs: 15_000,
  partialText: false,
  uploadDigests: true,
  partialCut: "words",
  trailingTemporaryIssue: false,
  editText: "auto",
  creditsErrorForm: "envelope",
  renderShape: "a",
  renderEnvelope: "wrapped",
  renderErrorStatus: "4xx",
  renderProgress: "straight",
  renderOutputUrl: true,
  downloadForm: "file",
  duplicateRender: "refuse",
  draftKeys: "short",
  otherTracks: false,
  newSessionState: "draft-null",
  maxUploadBytes: 200 * 1024 * 1024,
  tokenWithoutUserId: false,
};

/** What NemoVideo grants a new anonymous user (upstream-contract.md: "100 credits, 7-day life"). */
export const ANON_CREDITS = 100;

let env: EmulatorEnv = {};
let overrides: Partial<Config> = {};

/** Takes the Worker's bindings as the defaults for `timeScale`, `anonTokensPerIp` and `anonCredits`. */
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
    anonCredits: numberVar(env.ANON_CREDITS, ANON_CREDITS),
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
