/**
 * Samples for the API reference, drawn from the OpenAPI document itself (so from the routes' zod schemas): a curl
 * line per route, the answer's shape filled with the schemas' examples, and the data of each server-sent event.
 */
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => !!value && typeof value === "object" && !Array.isArray(value);

/** The order a person uses the API in: a key, a session, a chat, media, an export, the video; the rest after. */
export const TAG_ORDER = ["Visitors", "Sessions", "Chat", "Uploads", "Exports", "Videos", "Generations", "Credits", "Health"];

export const byUse = (a: string, b: string) =>
  (TAG_ORDER.indexOf(a) + 1 || TAG_ORDER.length + 1) - (TAG_ORDER.indexOf(b) + 1 || TAG_ORDER.length + 1);

function resolve(schema: unknown, components: Json): Json | undefined {
  if (!isObject(schema)) return undefined;
  if (typeof schema.$ref === "string") return resolve((components.schemas as Json)?.[schema.$ref.split("/").pop()!], components);
  return schema;
}

const HOST = "https://promptreel.example";
const EXPORT_LINK = `${HOST}/api/v1/exports/exp_6f1c2a9e4b7d4c0e/download?v=2b56f564-da8b-4f22-afd8-e25e9da3f765&exp=1796287370&sig=GXp5Fmf93wI4AX4Z5SRaIWu8E4oeZTr-O5SE0riig-g`;
const AT = 1796204120415;

/** Samples of the fields whose schemas give none, by name: the same in every answer, as real ones look. */
const BY_FIELD: Record<string, unknown> = {
  sessionId: "0b7d2c1e-5a8f-4c3b-9e21-7f4d6a1b2c3d",
  visitorId: "5f0e8a7c-2b1d-4e6f-9a3c-8d7b6e5f4a21",
  key: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI1ZjBlOGE3YyJ9.oJLtGI6F2u187p8X-siJMsCrxguTX4IHKJ68j2cqb-0",
  generationId: "gen_c0fe740985c1406a",
  exportId: "exp_6f1c2a9e4b7d4c0e",
  uploadId: "upl_4a1b9c7d2e3f5a6b",
  editOf: "gen_3d2c1b0a99887766",
  createdAt: AT,
  completedAt: AT + 94_000,
  at: AT,
  retryAt: AT + 3_600_000,
  progress: 42,
  attempts: 1,
  running: false,
  exportReady: true,
  sampleClips: false,
  language: "en",
  prompt: "a lighthouse at dusk",
  text: "Here is a 10-second 16:9 draft of a lighthouse at dusk.",
  tool: "generate_video",
  label: "Generating video",
  code: "no_credits",
  message: "You've used all your free credits. Register with NemoVideo to get more and keep this project.",
  link: "https://nemovideo.com/register?bind=anon_7428bbae66d8dc83",
  name: "fox.mp4",
  durationS: 10,
  durationMs: 10_000,
  width: 1280,
  height: 720,
  size: 52_428_800,
  partSize: 10_485_760,
  partCount: 5,
  receivedParts: 1,
  url: `${EXPORT_LINK}&inline=1`,
  downloadUrl: EXPORT_LINK,
  posterUrl: `${HOST}/api/v1/videos/exp_6f1c2a9e4b7d4c0e/poster.jpg?v=2b56f564&exp=1796287370&sig=…`,
  shareUrl: `${HOST}/v/pV3q9sXbT0aLm2Yk7wQe1g`,
  webhookUrl: "https://example.com/promptreel-hook",
  webhookSecret: "whsec_9f8e7d6c5b4a39281706f5e4d3c2b1a0",
  urls: "https://example.com/clip.mp4",
  // A cursor as the API gives them (worker/cursor.ts): base64url of the last item's (createdAt, id).
  nextCursor: "WzE3OTYyMDQxMjA0MTUsImV4cF82ZjFjMmE5ZTRiN2Q0YzBlIl0",
};

/** A value of the schema: its example, else one by the field's name, else its first choice; objects field by field. */
export function sampleOf(schema: unknown, components: Json, depth = 0, field?: string): unknown {
  const s = resolve(schema, components);
  if (!s || depth > 6) return null;
  if (s.example !== undefined) return s.example;
  if (field && field in BY_FIELD && s.type !== "object" && s.type !== "array") return BY_FIELD[field];
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  const choices = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(choices)) return sampleOf(choices.find((c) => resolve(c, components)?.type !== "null"), components, depth + 1, field);
  if (s.type === "array") return [sampleOf(s.items, components, depth + 1, field)];
  if (s.type === "object" || isObject(s.properties)) {
    const out: Json = {};
    for (const [key, value] of Object.entries((s.properties as Json) ?? {})) out[key] = sampleOf(value, components, depth + 1, key);
    return out;
  }
  if (s.type === "integer" || s.type === "number") return typeof s.minimum === "number" ? s.minimum : 0;
  if (s.type === "boolean") return true;
  if (s.format === "binary") return "(the file's bytes)";
  return "…";
}

/** The events a `text/event-stream` answer carries: each `event:` name with the shape and a sample of its `data:`. */
export function eventsOf(schema: unknown, components: Json): { event: string; data: Json | undefined }[] {
  const s = resolve(schema, components);
  const variants = (s?.oneOf ?? s?.anyOf ?? (s ? [s] : [])) as unknown[];
  return variants.flatMap((variant) => {
    const properties = resolve(variant, components)?.properties as Json | undefined;
    const name = sampleOf(properties?.event, components);
    return typeof name === "string" ? [{ event: name, data: resolve(properties?.data, components) }] : [];
  });
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The curl line for a route: its path with sample parameters, the key when it needs one, a sample body. */
export function curlOf(method: string, path: string, op: Json, components: Json): string {
  const parameters = (Array.isArray(op.parameters) ? op.parameters : []).map((p) => resolve(p, components)!);
  let url = path;
  const query: string[] = [];
  for (const parameter of parameters) {
    const value = String(parameter.example ?? sampleOf(parameter.schema, components));
    if (parameter.in === "path") url = url.replace(`{${parameter.name}}`, value);
    else if (parameter.in === "query" && parameter.required) query.push(`${parameter.name}=${encodeURIComponent(value)}`);
  }
  const streams = Object.values((op.responses as Json) ?? {}).some((r) => isObject(r) && isObject(r.content) && "text/event-stream" in r.content);
  const head = ["curl", streams ? "-N" : "", method === "get" ? "" : `-X ${method.toUpperCase()}`]
    .concat(`"$BASE${url}${query.length ? `?${query.join("&")}` : ""}"`)
    .filter(Boolean)
    .join(" ");
  const parts: string[] = [];
  if (op.security) parts.push(`-H "Authorization: Bearer $KEY"`);
  const body = isObject(op.requestBody) ? (op.requestBody.content as Json) : undefined;
  if (body?.["application/json"]) {
    const sample = sampleOf((body["application/json"] as Json).schema, components);
    parts.push(`-H 'Content-Type: application/json'`, `-d ${quote(JSON.stringify(sample))}`);
  } else if (body?.["multipart/form-data"]) parts.push("-F file=@fox.mp4");
  else if (body) parts.push(`-H 'Content-Type: ${Object.keys(body)[0]}'`, "--data-binary @file");
  // One line when it is short, else one option a line.
  const line = [head, ...parts].join(" ");
  return line.length <= 100 ? line : [head, ...parts].join(" \\\n     ");
}

/** The first successful answer: its status and a sample of its JSON, or the events it streams. */
export function answerOf(op: Json, components: Json): { status: string; json?: unknown; events?: ReturnType<typeof eventsOf>; type?: string } | undefined {
  const success = Object.entries((op.responses as Json) ?? {}).find(([status]) => /^2/.test(status));
  if (!success) return undefined;
  const [status, response] = success;
  const content = isObject(response) ? (response.content as Json | undefined) : undefined;
  if (!content) return { status };
  if (content["application/json"]) return { status, json: sampleOf((content["application/json"] as Json).schema, components) };
  if (content["text/event-stream"]) return { status, events: eventsOf((content["text/event-stream"] as Json).schema, components) };
  return { status, type: Object.keys(content)[0] };
}
