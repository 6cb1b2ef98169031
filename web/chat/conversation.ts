import type { TurnEvent } from "../../worker/chat/schema";
import { api, done, ok, reach } from "../api";
import { languageTag, t } from "../i18n";
import { remember } from "../saved";
import { addLine, batch, numbered, store } from "../state";
import { followEvents, type StreamEvent } from "../stream";
import { askToNotify } from "../notify";
import { troubleFrom, troubleOf } from "../words";
import { loadExports, startExport } from "./exports";
import { placeVideos } from "./line";
import { running as current, showTrouble } from "./trouble";
import { loadVariations } from "./variations";

/** After a stop, the timeline is looked at again this long after (ms): a change NemoVideo still finishes shows. */
const LOOK_AGAIN_MS = [3000, 10_000, 30_000, 60_000];

/** The running turn: the message as sent and in the person's own words, whether it failed, and its reply line. */
let turn: { sent: string; words: string; failed: boolean; reply?: number; credits?: number } | undefined;
let lastEvent: string | undefined;
/** The history of the conversation being opened, on its way. */
let opened: Promise<unknown> | undefined;

/** The session's timeline and media, read again into the store. */
export async function refreshSession(): Promise<void> {
  const id = store.sessionId.value;
  if (id) store.session.value = await ok(api.sessions[":id"].$get({ param: { id } }));
}

export async function refreshCredits() {
  const balance = await ok(api.credits.$get());
  store.credits.value = balance.available;
  return balance;
}

export async function refreshRecent(): Promise<void> {
  // The newest hundred: the list shows the six newest that have a title.
  store.recent.value = (await ok(api.sessions.$get({ query: { limit: "100" } }))).sessions;
}

/** A step the assistant's stream asked for (its `action` event). */
function act(action: Extract<TurnEvent, { event: "action" }>["data"]["action"]): void {
  if (action === "export") void startExport();
  else if (action === "state") void refreshSession().catch(() => {});
  else addLine({ role: "assistant", text: t.pickPrompt });
}

function onEvent({ id, event, data }: StreamEvent): boolean {
  // Ids only grow: one seen already (a stream picked up again) is not shown twice.
  if (id && lastEvent && Number(id) <= Number(lastEvent)) return event === "done";
  if (id) lastEvent = id;
  const step = { event, data } as TurnEvent;
  switch (step.event) {
    case "text": {
      const target = turn?.reply;
      if (target === undefined) {
        const reply = addLine({ role: "assistant", text: step.data.text });
        if (turn) turn.reply = reply;
      } else store.lines.value = store.lines.value.map((line) => (line.id === target ? { ...line, text: line.text + step.data.text } : line));
      break;
    }
    case "activity":
      addLine({ role: "activity", text: `${step.data.label}…` });
      if (step.data.makesVideo) {
        store.making.value ??= store.turn.value?.since ?? Date.now();
        askToNotify();
      }
      break;
    case "working":
      if (store.lines.value.at(-1)?.text !== t.stillWorking) addLine({ role: "activity", text: t.stillWorking });
      break;
    case "action":
      act(step.data.action);
      break;
    case "timeline": {
      const { changed } = step.data;
      if (changed.length) addLine({ role: "notice", text: `${t.changed}${changed.join(t.separator)}` });
      void refreshSession().catch(() => {});
      break;
    }
    case "error":
      showTrouble(troubleOf(step.data));
      break;
    case "done":
      if (step.data.reason === "cancelled") stopped();
      else {
        const notice = { interrupted: t.interrupted, timeout: t.timedOut }[step.data.reason as string];
        if (notice) addLine({ role: "notice", text: notice });
      }
      return true;
  }
  return false;
}

/** Stopped: said plainly, and the timeline looked at now and a few times after, for a change NemoVideo finishes. */
function stopped(): void {
  addLine({ role: "notice", text: t.cancelled });
  const session = store.sessionId.value;
  for (const ms of [0, ...LOOK_AGAIN_MS])
    setTimeout(() => {
      if (store.sessionId.value === session) void refreshSession().catch(() => {});
    }, ms);
}

/** The turn is over: what said "busy" goes, a failed message's words go back in the box, credits are read again. */
function end(): void {
  const ended = turn;
  const making = store.making.value;
  batch(() => {
    store.lines.value = store.lines.value.filter((line) => line.role !== "activity");
    store.making.value = undefined;
    store.turn.value = undefined;
    if (ended?.failed) store.text.value ||= ended.words;
  });
  current.turn = turn = undefined;
  void refreshSession().catch(() => {});
  ok(api.credits.$get())
    .then(({ available }) => {
      // What a video cost this visitor, measured: the credits a turn that made one took (kept before it shows).
      const before = ended?.credits;
      if (making && before !== undefined && before > available) remember("videoCost", String(before - available));
      store.credits.value = available;
    })
    .catch(() => {});
}

/** Follows a turn's stream to its `done`; a stream that breaks off is picked up again (a few times). */
async function follow(sessionId: string, first: Response | undefined): Promise<void> {
  let answer = first;
  const { finished, lost, error } = await followEvents({
    async open() {
      // The message's own answer first; after it, the turn from the last event seen (204: nothing to resume).
      const response =
        answer ??
        (await api.sessions[":id"].turn.$get({
          param: { id: sessionId },
          query: {},
          header: lastEvent ? { "last-event-id": lastEvent } : {},
        }));
      answer = undefined;
      return response.status === 204 ? undefined : response;
    },
    onEvent: (event) => store.sessionId.value === sessionId && onEvent(event),
  });
  if (store.sessionId.value !== sessionId) return;
  if (error) showTrouble(troubleFrom(error));
  if (lost && !finished) showTrouble(troubleFrom(lost));
  end();
}

/** Sends a message to the assistant and streams the reply; `words` is what the person typed, before any choices. */
export async function send(text: string, words = text): Promise<void> {
  const sessionId = store.sessionId.value;
  // After the conversation's history: sent before it came, the message would show twice (the history has it too)
  // and its turn would be followed twice (the history says it runs).
  await opened;
  if (!sessionId || store.sessionId.value !== sessionId || store.turn.value) return void (store.text.value ||= words);
  batch(() => {
    // Only the newest failure offers Retry.
    store.lines.value = store.lines.value.map((line) => (line.retry ? { ...line, retry: undefined } : line));
    addLine({ role: "user", text });
    store.turn.value = { since: Date.now(), status: t.working };
  });
  turn = { sent: text, words, failed: false, credits: store.credits.value };
  current.turn = turn;
  try {
    const answer = await reach(api.sessions[":id"].messages.$post({ param: { id: sessionId }, json: { text } }));
    await follow(sessionId, answer as unknown as Response);
  } catch (error) {
    showTrouble(troubleFrom(error));
    end();
  }
}

/** Stops waiting for the reply: its stream ends with `done` (cancelled). */
export async function cancel(): Promise<void> {
  const id = store.sessionId.value;
  if (id) await done(api.sessions[":id"].turn.cancel.$post({ param: { id } })).catch((error) => showTrouble(troubleFrom(error)));
}

/**
 * Opens a conversation: its messages with its videos where they were made (exports, and the variations asked
 * from it), its timeline, and the turn still running, picked up from its start. Reloading comes back to it.
 */
export async function openConversation(sessionId: string): Promise<void> {
  current.turn = turn = undefined;
  lastEvent = undefined;
  batch(() => {
    store.sessionId.value = sessionId;
    store.lines.value = [];
    store.turn.value = store.making.value = store.offer.value = store.session.value = undefined;
    store.exports.value = {};
    store.generations.value = {};
  });
  remember("session", sessionId);
  const loading = Promise.all([
    ok(api.sessions[":id"].messages.$get({ param: { id: sessionId } })),
    loadExports(sessionId),
    loadVariations(sessionId),
    ok(api.sessions[":id"].$get({ param: { id: sessionId } })),
  ]);
  const mine = (opened = loading.catch(() => {}));
  const [{ messages, running, runningSince }, videos, variations, session] = await loading;
  // Another conversation was opened meanwhile (or this one again): the history shown is the last one asked for.
  if (opened !== mine) return;
  // A stopped reply says so after a reload too: after the turn's last message.
  const history = messages.flatMap((message, index) =>
    message.stopped && !messages[index + 1]?.stopped ? [message, { role: "notice" as const, text: t.cancelled, at: message.at }] : [message],
  );
  batch(() => {
    store.session.value = session;
    // Before what the page already said (a file refused while the history was on its way), never instead of it.
    store.lines.value = [...numbered(placeVideos(history, [...videos, ...variations])), ...store.lines.value];
  });
  if (!running) return;
  // The history has no reply for the running turn yet: the turn is replayed from its start, its timer from then.
  store.turn.value = { since: runningSince ?? Date.now(), status: t.resuming };
  turn = { sent: "", words: "", failed: false };
  current.turn = turn;
  await follow(sessionId, undefined);
}

/** A fresh conversation for a new video (a new session); the earlier ones stay in the list of recent ones. */
export async function newConversation(): Promise<string> {
  const { sessionId } = await ok(api.sessions.$post({ json: { language: languageTag } }));
  await openConversation(sessionId);
  void refreshRecent().catch(() => {});
  return sessionId;
}
