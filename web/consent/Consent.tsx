import { useEffect, useState } from "preact/hooks";
import { ApiError, api, ok } from "../api";
import { t } from "../i18n";
import { ensureVisitor } from "../session";
import { setKey } from "../storage";
import { troubleFrom } from "../words";
import "./consent.css";

type Request = Awaited<ReturnType<typeof read>>;
const read = (handle: string) => ok(api.consents[":handle"].$get({ param: { handle } }));

/** Allow, as this browser's visitor (made now when it has none; a key the server no longer takes is replaced once). */
async function allow(handle: string): Promise<string> {
  const ask = async () => {
    await ensureVisitor();
    return (await ok(api.consents[":handle"].allow.$post({ param: { handle } }))).redirectTo;
  };
  try {
    return await ask();
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "unauthorized") throw error;
    setKey(null);
    return ask();
  }
}

/**
 * The consent screen (`/authorize?consent=<handle>`, worker/oauth/routes.ts): which app asks to use PromptReel's
 * MCP server as this browser's visitor, where it sends the person back to, what it may do, and Allow or Deny. Either
 * answer sends the browser back to the app. Everything shown of the app came from the app: Preact escapes it.
 */
export function Consent() {
  const handle = new URLSearchParams(location.search).get("consent") ?? "";
  const [request, setRequest] = useState<Request | undefined>(undefined);
  const [trouble, setTrouble] = useState("");
  const [sending, setSending] = useState(false);

  useEffect(() => {
    document.title = `${t.title}: ${t.allow}?`;
    read(handle)
      .then(setRequest)
      .catch((error) => setTrouble(error instanceof ApiError && error.code === "not_found" ? t.consentGone : troubleFrom(error).text));
  }, []);

  const answer = (step: () => Promise<string>) => {
    setSending(true);
    setTrouble("");
    step()
      .then((redirectTo) => location.assign(redirectTo))
      .catch((error) => {
        setSending(false);
        setTrouble(error instanceof ApiError && error.code === "not_found" ? t.consentGone : troubleFrom(error).text);
      });
  };
  const deny = async () => (await ok(api.consents[":handle"].deny.$post({ param: { handle } }))).redirectTo;

  return (
    <main class="consent">
      <p class="consent-brand">{t.title}</p>
      {!request && !trouble && <p role="status">{t.consentLoading}</p>}
      {request && (
        <>
          <h1>{t.consentTitle(request.client.name)}</h1>
          <p class="muted">{request.client.domain ? t.consentFrom(request.client.domain) : t.consentUnverified}</p>
          <p>
            {t.consentBack}
            <strong class="consent-host">{request.redirectHost}</strong>
          </p>
          {request.local && <p class="consent-warning">{t.consentLocal}</p>}
          <p>{t.consentMay}</p>
          <ul>
            {t.consentAbilities.map((ability) => (
              <li key={ability}>{ability}</li>
            ))}
          </ul>
          <p class="muted">{t.consentSame}</p>
          <div class="consent-actions">
            <button type="button" disabled={sending} onClick={() => answer(deny)}>
              {t.deny}
            </button>
            <button type="button" class="primary" disabled={sending} onClick={() => answer(() => allow(handle))}>
              {t.allow}
            </button>
          </div>
          {sending && <p role="status">{t.consentSending}</p>}
        </>
      )}
      {trouble && <p role="alert">{trouble}</p>}
    </main>
  );
}
