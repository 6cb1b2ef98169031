import { useRef, useState } from "preact/hooks";
import type { TurnEvent } from "../../worker/chat/schema";
import { api, done, ok, reach } from "../api";
import { t } from "../i18n";
import { followEvents, type StreamEvent } from "../stream";
import { type Trouble, troubleFrom, troubleOf } from "../words";
import { type Line, placeVideos } from "./line";

export type { Line };

/** A step the assistant's stream asks the page to take (its `action` event). */
export type Action = Extract<TurnEvent, { event: "action" }>["data"]["action"];

export interface TurnHooks {
  action(action: Action): void;
  timeline(): void;
  trouble(trouble: Trouble): void;
  /** The turn failed: the person's own words, to put back in the box. */
  failed(words: string): void;
  ended(): void;
}

/** The backend tools that make a video (`worker/chat/translate.ts` calls them "Generating video"). */
const MAKES_VIDEO = /video|seedance|clip/i;

let nextLine = 1;

/**
 * The chat: the conversation's lines, and the turn that may be running. Assistant text grows as its events
 * arrive; activity and "Still working…" appear as lines of the log while the turn runs, which screen readers
 * follow, and go when it ends; the status says "Working…" once for the whole turn. A dropped stream or a reload
 * picks the turn up again through GET /sessions/{id}/turn from the last event seen (Last-Event-ID).
 */
export function useConversation(sessionId: string | undefined, hooks: TurnHooks) {
  const [lines, setLines] = useState<Line[]>([]);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  /** While a video is being made: since when the page has seen it. */
  const [making, setMaking] = useState<number | undefined>(undefined);
  const reply = useRef<number | undefined>(undefined);
  const lastEvent = useRef<string | undefined>(undefined);
  /** The running turn's message as sent and in the person's own words, and whether it failed. */
  const turn = useRef<{ sent: string; words: string; failed: boolean } | undefined>(undefined);
  const hooksRef = useRef(hooks);
  hooksRef.current = hooks;

  const add = (line: Omit<Line, "id">) => {
    const id = nextLine++;
    setLines((all) => [...all, { ...line, id }]);
    return id;
  };

  /** A video's place in the conversation: here, once. */
  const addVideo = (exportId: string) =>
    setLines((all) => (all.some((line) => line.exportId === exportId) ? all : [...all, { id: nextLine++, role: "video", text: "", exportId }]));

  function showTrouble(trouble: Trouble) {
    const current = turn.current;
    if (current) current.failed = true;
    add({ role: "error", text: trouble.text, link: trouble.link, retry: current?.sent });
    hooksRef.current.trouble(trouble);
  }

  function onEvent({ id, event, data }: StreamEvent): boolean {
    // Ids only grow: one seen already (a stream picked up again) is not shown twice.
    if (id && lastEvent.current && Number(id) <= Number(lastEvent.current)) return event === "done";
    if (id) lastEvent.current = id;
    const step = { event, data } as TurnEvent;
    switch (step.event) {
      case "text": {
        const { text } = step.data;
        const target = reply.current;
        if (target === undefined) reply.current = add({ role: "assistant", text });
        else setLines((all) => all.map((line) => (line.id === target ? { ...line, text: line.text + text } : line)));
        break;
      }
      case "activity":
        add({ role: "activity", text: `${step.data.label}…` });
        if (MAKES_VIDEO.test(step.data.tool)) setMaking((since) => since ?? Date.now());
        break;
      case "working": {
        const id = nextLine++;
        setLines((all) => (all.at(-1)?.text === t.stillWorking ? all : [...all, { id, role: "activity", text: t.stillWorking }]));
        break;
      }
      case "action":
        hooksRef.current.action(step.data.action);
        break;
      case "timeline": {
        const { changed } = step.data;
        if (changed.length) add({ role: "notice", text: `${t.changed}${changed.join(t.separator)}` });
        hooksRef.current.timeline();
        break;
      }
      case "error":
        showTrouble(troubleOf(step.data));
        break;
      case "done": {
        const notice = { interrupted: t.interrupted, timeout: t.timedOut, cancelled: t.cancelled }[step.data.reason as string];
        if (notice) add({ role: "notice", text: notice });
        return true;
      }
    }
    return false;
  }

  /** The turn is over: what said "busy" goes, and a failed message's words go back in the box. */
  function end() {
    reply.current = undefined;
    setLines((all) => all.filter((line) => line.role !== "activity"));
    setMaking(undefined);
    setBusy(false);
    setStatus("");
    if (turn.current?.failed) hooksRef.current.failed(turn.current.words);
    turn.current = undefined;
    hooksRef.current.ended();
  }

  /** Follows a turn's stream to its `done`; a stream that breaks off is picked up again (a few times). */
  async function follow(first: Response | undefined) {
    let answer = first;
    const { finished, lost, error } = await followEvents({
      async open() {
        // The message's own answer first; after it, the turn from the last event seen (204: nothing to resume).
        const response =
          answer ??
          (await api.sessions[":id"].turn.$get({
            param: { id: sessionId! },
            query: {},
            header: lastEvent.current ? { "last-event-id": lastEvent.current } : {},
          }));
        answer = undefined;
        return response.status === 204 ? undefined : response;
      },
      onEvent,
    });
    if (error) showTrouble(troubleFrom(error));
    if (lost && !finished) showTrouble(troubleFrom(lost));
    end();
  }

  /** Sends a message to the assistant and streams the reply; `words` is what the person typed, before any choices. */
  async function send(text: string, words = text) {
    if (!sessionId || busy) return;
    // Only the newest failure offers Retry.
    setLines((all) => [...all.map((line) => (line.retry ? { ...line, retry: undefined } : line)), { id: nextLine++, role: "user", text }]);
    turn.current = { sent: text, words, failed: false };
    setBusy(true);
    setStatus(t.working);
    reply.current = undefined;
    try {
      const answer = await reach(api.sessions[":id"].messages.$post({ param: { id: sessionId }, json: { text } }));
      await follow(answer as unknown as Response);
    } catch (error) {
      showTrouble(troubleFrom(error));
      end();
    }
  }

  /** Stops waiting for the reply: its stream ends with `done` (cancelled). */
  async function cancel() {
    if (!sessionId) return;
    try {
      await done(api.sessions[":id"].turn.cancel.$post({ param: { id: sessionId } }));
    } catch (error) {
      hooksRef.current.trouble(troubleFrom(error));
    }
  }

  /** A returning visitor: the conversation so far with its videos where they were made, and the running turn. */
  async function load(videos: { exportId: string; at: number }[] = []) {
    if (!sessionId) return;
    const { messages, running } = await ok(api.sessions[":id"].messages.$get({ param: { id: sessionId } }));
    // Before what the page already said (a file refused while the history was on its way), never instead of it.
    const history = placeVideos(messages, videos).map((line) => ({ ...line, id: nextLine++ }));
    setLines((shown) => [...history, ...shown.filter((line) => !history.some((old) => old.exportId && old.exportId === line.exportId))]);
    if (!running) return;
    // The history has no reply for the running turn yet: replay the turn from its start.
    lastEvent.current = undefined;
    setBusy(true);
    setStatus(t.resuming);
    await follow(undefined);
  }

  return { lines, busy, status, making, send, cancel, load, add, addVideo };
}
