import { useEffect, useRef } from "preact/hooks";
import { t } from "../i18n";
import { store, use, videoOf } from "../state";
import { Making } from "./Making";
import { send } from "./conversation";
import { VariationCard, VideoCard } from "./VideoCard";
import "./chat.css";

/** A finished video whose library entry is gone (deleted): an export still on its way is not in the library yet. */
const gone = (videoId: string) => videoOf(videoId) === null && [undefined, "completed"].includes(store.exports.value[videoId]?.view.status);

interface ChatProps {
  onSuggestion(text: string): void;
  /** The offer's two ways: the prompt as a new video in a fresh conversation, or as a change to this one. */
  onNewVideo(words: string): void;
}

/**
 * The conversation (a live log, so screen readers hear replies as they stream) with its videos where they were
 * made, and suggestions while it is empty. The page scrolls, not the log: one scroll, on a phone too.
 */
export function Chat({ onSuggestion, onNewVideo }: ChatProps) {
  // A video deleted in My videos is gone from here too: no dead player, no download that answers 404.
  const lines = use(() => store.lines.value.filter((line) => !line.videoId || !gone(line.videoId)));
  const making = use(() => store.making.value);
  const busy = use(() => Boolean(store.turn.value));
  const offer = use(() => store.offer.value);
  const session = use(() => store.session.value);
  const end = useRef<HTMLDivElement>(null);
  const last = lines.at(-1);
  // Only once there is something to follow: an empty conversation (a widget's panel just opened) stays at the top.
  useEffect(() => void (lines.length && end.current?.scrollIntoView?.({ block: "end" })), [lines.length, last?.text, making, offer]);
  const suggestions = session?.exportReady ? [...t.suggestions, t.exportSuggestion] : t.suggestions;

  return (
    <section class="chat" aria-labelledby="chat-title">
      <h2 id="chat-title" class="visually-hidden">
        {t.conversation}
      </h2>
      {/* Shown once the conversation is known to be empty (a returning visitor's history never comes after
          suggestions); until then its place is kept, unseen, so that nothing below it moves when it appears. */}
      {lines.length === 0 && (
        <div class={session ? "empty" : "empty unknown"}>
          <p>{t.emptyHint}</p>
          <h3 id="try-title">{t.trySaying}</h3>
          <ul class="suggestions" aria-labelledby="try-title">
            {suggestions.map((suggestion) => (
              <li key={suggestion}>
                <button type="button" class="suggestion" onClick={() => onSuggestion(suggestion)}>
                  {suggestion}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div role="log" aria-label={t.conversation}>
        <ol>
          {lines.map((line) =>
            line.role === "video" ? (
              <li key={line.id} class="line video">
                {line.generationId ? <VariationCard generationId={line.generationId} /> : <VideoCard videoId={line.videoId!} />}
              </li>
            ) : (
              <li key={line.id} class={`line ${line.role}`}>
                {(line.role === "user" || line.role === "assistant") && (
                  <span class="visually-hidden">{line.role === "user" ? t.you : t.assistant}: </span>
                )}
                <span class="text">{line.text}</span>
                {line.link && (
                  <a class="way-out" href={line.link.href} target="_blank" rel="noopener noreferrer">
                    {line.link.label}
                  </a>
                )}
                {line.retry && (
                  <button
                    type="button"
                    class="retry"
                    disabled={busy}
                    onClick={() => {
                      if (line.retry!.startsWith(store.text.value.trim())) store.text.value = "";
                      void send(line.retry!);
                    }}
                  >
                    {t.retryMessage}
                  </button>
                )}
              </li>
            ),
          )}
        </ol>
      </div>
      {making !== undefined && <Making since={making} />}
      {offer && (
        <div class="offer" role="group" aria-labelledby="offer-title">
          <p id="offer-title">{t.offerQuestion}</p>
          <div class="actions">
            <button type="button" class="primary" onClick={() => onNewVideo(offer.words)}>
              {t.newVideo}
            </button>
            <button
              type="button"
              onClick={() => {
                store.offer.value = undefined;
                void send(offer.sent, offer.words);
              }}
            >
              {t.changeThisOne}
            </button>
          </div>
        </div>
      )}
      <div ref={end} class="end" />
    </section>
  );
}
