import { lengthAsked, shapeAsked } from "./choices";
import { LENGTHS_S, type Shape, SHAPES, shapeOfSize, snapLength } from "./clips";
import { AUDIO, BGM_STYLES, BGM_VOLUME, type Draft, TEXT, type Track, VIDEO } from "./drafts";
import { pick } from "./ids";

/** What an edit turn changed, for the reply text. */
export type EditChange =
  | { kind: "music"; style: string; volume: number }
  | { kind: "volume"; volume: number }
  | { kind: "title"; title: string }
  | { kind: "trim" | "extend"; durationMs: number }
  /** A new frame and/or length; `changed` false when the draft already was that (or at the shortest/longest). */
  | { kind: "reframe"; shape: Shape; durationMs: number; changed: boolean }
  | { kind: "remove"; trackType: number }
  | { kind: "add"; text: string };

export interface Edit {
  draft: Draft;
  tool: "edit_multitrack" | "generate_music";
  change: EditChange;
}

const words = {
  remove: /\b(?:remove|delete|drop)\b|删|去掉|移除/i,
  louder: /\blouder\b|\bturn\s+(?:it\s+|the\s+music\s+)?up\b|大一点|调高|提高/i,
  quieter: /\b(?:quieter|softer|lower)\b|\bturn\s+(?:it\s+|the\s+music\s+)?down\b|小一点|调低|降低/i,
  volume: /\bvolume\b|音量/i,
  music: /\b(?:music|bgm|soundtrack|song|audio)\b|音乐|配乐|背景音/i,
  title: /\b(?:title|text|caption|heading)\b|标题|文字/i,
  shorter: /\b(?:trim|shorter|shorten|cut)\b|剪|缩短|短一点/i,
  longer: /\b(?:longer|extend|lengthen)\b|延长|长一点/i,
  add: /\b(?:add|insert|put)\b|加|添加/i,
};

/** True when a message asks for a change: a message like that edits the draft, when there is one. */
export const isEditRequest = (message: string): boolean =>
  Object.values(words).some((pattern) => pattern.test(message)) ||
  shapeAsked(message) !== undefined ||
  lengthAsked(message) !== undefined ||
  /\b(?:change|replace|make it)\b|改|换/i.test(message);

const QUOTED = /["“「《]([^"”」》]+)["”」》]/;
const ALTERNATE_TITLES = ["Golden Hour", "Urban Dreams", "Quiet Motion", "First Light", "Blue Hour", "Wild Horizons"];

const round2 = (value: number) => Math.round(value * 100) / 100;
const trackOf = (draft: Draft, type: number): Track | undefined => draft.t.find((track) => track.tt === type);

function quotedOrAfter(message: string, after: RegExp): string | undefined {
  const quoted = QUOTED.exec(message)?.[1];
  if (quoted) return quoted.trim();
  const rest = after.exec(message)?.[1]?.replace(/[.!?。！？]+$/, "").trim();
  return rest || undefined;
}

function bgmTrack(draft: Draft, style: string): Track {
  const existing = trackOf(draft, AUDIO);
  if (existing?.sg.length) return existing;
  const track = { tt: AUDIO, sg: [{ n: style, s: 0, e: draft.d, v: BGM_VOLUME }] };
  draft.t.push(track);
  return track;
}

function setVolume(draft: Draft, message: string): EditChange {
  const segment = bgmTrack(draft, BGM_STYLES[0]).sg[0];
  const current = segment.v ?? BGM_VOLUME;
  const percent = /(\d{1,3})\s*%/.exec(message)?.[1];
  let volume: number;
  if (percent) volume = Number(percent) / 100;
  else if (words.louder.test(message)) volume = current + 0.2;
  else if (words.quieter.test(message)) volume = current - 0.2;
  else volume = current === 0.6 ? BGM_VOLUME : 0.6;
  segment.v = round2(Math.min(1, Math.max(0.05, volume)));
  return { kind: "volume", volume: segment.v };
}

function changeMusic(draft: Draft, message: string): EditChange {
  const segment = bgmTrack(draft, BGM_STYLES[0]).sg[0];
  const named = BGM_STYLES.find((style) => message.toLowerCase().includes(style.toLowerCase()));
  segment.n = named ?? BGM_STYLES[(BGM_STYLES.indexOf(segment.n) + 1) % BGM_STYLES.length];
  return { kind: "music", style: segment.n, volume: segment.v ?? BGM_VOLUME };
}

function changeTitle(draft: Draft, message: string): EditChange {
  const current = draft.m.title;
  const wanted = quotedOrAfter(message, /\b(?:to|as)\s+(.+)$|(?:改为|改成|换成)(.+)$/i);
  const fallback = ALTERNATE_TITLES.filter((title) => title !== current);
  const title = wanted ?? fallback[pick(message, 0, fallback.length - 1)];
  const track = trackOf(draft, TEXT) ?? draft.t[draft.t.push({ tt: TEXT, sg: [] }) - 1];
  if (track.sg.length === 0) track.sg.push({ n: title, s: 0, e: Math.min(3000, draft.d) });
  track.sg[0].n = title;
  draft.m.title = title;
  return { kind: "title", title };
}

/** Every track to a new length `d` (ms): segments past it go, segments that ran to the end (or past it) end there. */
function setLength(draft: Draft, d: number): void {
  const before = draft.d;
  for (const track of draft.t) {
    track.sg = track.sg
      .filter((segment) => segment.s < d)
      .map((segment) => ({ ...segment, e: segment.e === before || segment.e > d ? d : segment.e }));
  }
  draft.d = d;
}

const shapeOf = (draft: Draft): Shape => shapeOfSize(draft.m.width, draft.m.height);

/**
 * The next length down or up among the sample clips' (5, 10, 15 s): a draft is always as long as a clip, so the
 * MP4 an export makes is what the draft says. At the shortest or longest, nothing changes and the reply says so.
 */
function step(draft: Draft, direction: -1 | 1): EditChange {
  const lengths = LENGTHS_S.map((length) => length * 1000);
  const next = direction < 0 ? lengths.findLast((d) => d < draft.d) : lengths.find((d) => d > draft.d);
  if (next === undefined) return { kind: "reframe", shape: shapeOf(draft), durationMs: draft.d, changed: false };
  setLength(draft, next);
  return { kind: direction < 0 ? "trim" : "extend", durationMs: next };
}

/** The shape and/or length the words name ("make it square", "make it 5 seconds", "9:16 vertical, 15 seconds"). */
function reframe(draft: Draft, shape: Shape | undefined, lengthS: number | undefined): EditChange {
  const before = JSON.stringify([draft.d, draft.m.width, draft.m.height]);
  if (shape) Object.assign(draft.m, { width: SHAPES[shape].width, height: SHAPES[shape].height });
  if (lengthS !== undefined) setLength(draft, snapLength(lengthS) * 1000);
  const changed = JSON.stringify([draft.d, draft.m.width, draft.m.height]) !== before;
  return { kind: "reframe", shape: shapeOf(draft), durationMs: draft.d, changed };
}

function removeTrack(draft: Draft, message: string): EditChange {
  const type = words.music.test(message) ? AUDIO : words.title.test(message) ? TEXT : undefined;
  const titleTrack = draft.t.findIndex((track) => track.tt === TEXT && track.sg[0]?.n === draft.m.title);
  const index =
    /\btitle\b|标题/i.test(message) && titleTrack >= 0
      ? titleTrack
      : draft.t.findLastIndex((track) => (type === undefined ? track.tt !== VIDEO : track.tt === type));
  if (index < 0) return step(draft, -1);
  const [removed] = draft.t.splice(index, 1);
  return { kind: "remove", trackType: removed.tt };
}

function addText(draft: Draft, message: string): EditChange {
  const text = quotedOrAfter(message, /\b(?:saying|says|reading|reads)\s+(.+)$/i) ?? "Thanks for watching";
  draft.t.push({ tt: TEXT, sg: [{ n: text, s: Math.max(0, draft.d - 3000), e: draft.d }] });
  return { kind: "add", text };
}

/** Applies the change a message asks for to a copy of `draft`; every edit changes something visible. */
export function applyEdit(draft: Draft, message: string): Edit {
  const next = structuredClone(draft);
  const edit = (change: EditChange, tool: Edit["tool"] = "edit_multitrack"): Edit => ({ draft: next, tool, change });
  const shape = shapeAsked(message);
  const lengthS = lengthAsked(message);
  // A frame or a length named in words, unless they are a caption's words ('add a caption saying "10 seconds left"').
  if ((shape || lengthS !== undefined) && !QUOTED.test(message) && !/\b(?:saying|says|reading|reads)\b/i.test(message)) {
    return edit(reframe(next, shape, lengthS));
  }
  if (words.remove.test(message)) return edit(removeTrack(next, message));
  if (words.louder.test(message) || words.quieter.test(message) || words.volume.test(message)) {
    return edit(setVolume(next, message));
  }
  if (words.music.test(message)) return edit(changeMusic(next, message), "generate_music");
  if (words.add.test(message)) return edit(addText(next, message));
  if (words.title.test(message)) return edit(changeTitle(next, message));
  if (words.shorter.test(message)) return edit(step(next, -1));
  if (words.longer.test(message)) return edit(step(next, 1));
  return edit(changeTitle(next, message));
}
