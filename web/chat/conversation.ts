import { useRef, useState } from "preact/hooks";
import type { TurnEvent } from "../../worker/chat/schema";
import { api, ok, reach } from "../api";
import { t } from "../i18n";
import { followEvents, type StreamEvent } from "../stream";
import { type Link, type Trouble, troubleFrom, troubleOf } from "../words";

export interface Line {
  id: number;
  role: "user" | "assistant" | "activity" | "notice" | "error";
  text: string;
  link?: Link;
}

/** A step the assistant's stream asks the page to take (its `action` event). */
export type Action = Extract<TurnEvent, { event: "action" }>["data"]["action"];

export interface TurnHooks {
  action(action: Action): void;
  timeline(): void;
  trouble(trouble: Trouble): void;
  ended(): void;
}

let nextLine = 1;

/**
 * The chat: the conversation's lines, and the turn that may be running. Assistant text grows as its events
 * arrive; activity and "Still working…" appear as lines of the log, which screen readers follow, while the status
 * says "Working…" once for the whole turn (the same words in both would be read twice). A dropped stream or a
 * reload picks the turn up again through GET /sessions/{id}/turn from the last event seen (Last-Event-ID).
 */
export function useConversation(sessionId: string | undefined, hooks: TurnHooks) {
  const [lines, setLines] = useState<Line[]>([]);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  const reply = useRef<number | undefined>(undefined);
  const lastEvent = useRef<string | undefined>(undefined);
  const hooksRef = useRef(hooks);
  hooksRef.current = hooks;

  const add = (line: Omit<Line, "id">) => {
    const id = nextLine++;
    setLines((all) => [...all, { ...line, id }]);
    return id;
  };

  function onEvent({ id, event, data }: StreamEvent): boolean {
    if (id) lastEvent.current = id;
    const turn = { event, data } as TurnEvent;
    switch (turn.event) {
      case "text": {
        const { text } = turn.data;
        const target = reply.current;
        if (target === undefined) reply.current = add({ role: "assistant", text });
        else setLines((all) => all.map((line) => (line.id === target ? { ...line, text: line.text + text } : line)));
        break;
      }
      case "activity": {
        add({ role: "activity", text: `${turn.data.label}…` });
        break;
      }
      case "working": {
        const id = nextLine++;
        setLines((all) => (all.at(-1)?.text === t.stillWorking ? all : [...all, { id, role: "activity", text: t.stillWorking }]));
        break;
      }
      case "action":
        hooksRef.current.action(turn.data.action);
        break;
      case "timeline": {
        const { changed } = turn.data;
        if (changed.length) add({ role: "notice", text: `${t.changed}${changed.join(t.separator)}` });
        hooksRef.current.timeline();
        break;
      }
      case "error": {
        const trouble = troubleOf(turn.data);
        add({ role: "error", text: trouble.text, link: trouble.link });
        hooksRef.current.trouble(trouble);
        break;
      }
      case "done": {
        const { reason } = turn.data;
        if (reason === "interrupted") add({ role: "notice", text: t.interrupted });
        if (reason === "timeout") add({ role: "notice", text: t.timedOut });
        return true;
      }
    }
    return false;
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
    if (error) showTrouble(error);
    if (lost && !finished) showTrouble(lost);
    reply.current = undefined;
    setBusy(false);
    setStatus("");
    hooksRef.current.ended();
  }

  function showTrouble(error: unknown) {
    const trouble = troubleFrom(error);
    add({ role: "error", text: trouble.text, link: trouble.link });
    hooksRef.current.trouble(trouble);
  }

  /** Sends a message to the assistant and streams the reply. */
  async function send(text: string) {
    if (!sessionId || busy) return;
    add({ role: "user", text });
    setBusy(true);
    setStatus(t.working);
    reply.current = undefined;
    try {
      const answer = await reach(api.sessions[":id"].messages.$post({ param: { id: sessionId }, json: { text } }));
      await follow(answer as unknown as Response);
    } catch (error) {
      showTrouble(error);
      setBusy(false);
      setStatus("");
    }
  }

  /** A returning visitor: the conversation so far, and the turn still running if there is one. */
  async function load() {
    if (!sessionId) return;
    const { messages, running } = await ok(api.sessions[":id"].messages.$get({ param: { id: sessionId } }));
    // Before what the page already said (a file refused while the history was on its way), never instead of it.
    const history = messages.map((message): Line => ({ id: nextLine++, role: message.role, text: message.text }));
    setLines((shown) => [...history, ...shown]);
    if (!running) return;
    // The history has no reply for the running turn yet: replay the turn from its start.
    lastEvent.current = undefined;
    setBusy(true);
    setStatus(t.resuming);
    await follow(undefined);
  }

  return { lines, busy, status, send, load, add };
}
