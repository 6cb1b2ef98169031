import { t } from "../i18n";
import { store, use } from "../state";

interface ConversationsProps {
  onNew(): void;
  onOpen(sessionId: string): void;
}

/** Above the conversation: New video (a fresh conversation), and the recent ones, each a tap away. */
export function Conversations({ onNew, onOpen }: ConversationsProps) {
  const current = use(() => store.sessionId.value);
  const recent = use(() => store.recent.value.filter((each) => each.title).slice(0, 6));
  const busy = use(() => Boolean(store.turn.value));
  return (
    <nav class="conversations" aria-label={t.conversations}>
      <button type="button" class="primary" disabled={busy} onClick={onNew}>
        {t.newVideo}
      </button>
      {recent.length > 1 && (
        <details>
          <summary>{t.recent}</summary>
          <ul>
            {recent.map((each) => (
              <li key={each.sessionId}>
                <button
                  type="button"
                  class="link"
                  aria-current={each.sessionId === current ? "true" : undefined}
                  disabled={busy || each.sessionId === current}
                  onClick={(event) => {
                    (event.currentTarget.closest("details") as HTMLDetailsElement).open = false;
                    onOpen(each.sessionId);
                  }}
                >
                  {each.title}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </nav>
  );
}
