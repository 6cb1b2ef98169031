import type { InferResponseType } from "hono/client";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, ok } from "./api";
import * as bridge from "./bridge";
import { routeIntent } from "./chat/intents";
import { Chat } from "./chat/Chat";
import { type Action, useConversation } from "./chat/conversation";
import { Credits } from "./credits/Credits";
import { ExportPanel } from "./exports/ExportPanel";
import { useExport } from "./exports/export";
import { t } from "./i18n";
import { follow, hrefOf, useRoute } from "./route";
import { openSession } from "./session";
import { Timeline } from "./timeline/Timeline";
import { type UploadProgress, Uploads } from "./uploads/Uploads";
import { refusal, uploadFile, uploadUrls } from "./uploads/upload";
import { MyVideos } from "./videos/MyVideos";
import { type Trouble, troubleFrom, troubleOf } from "./words";

type SessionView = InferResponseType<(typeof api.sessions)[":id"]["$get"], 200>;

/** The page: setup, then the chat beside the timeline, the export and the media. */
export function App() {
  const [phase, setPhase] = useState<"setup" | "ready" | "failed">("setup");
  const [setupTrouble, setSetupTrouble] = useState<Trouble | undefined>(undefined);
  const [sessionId, setSessionId] = useState<string | undefined>(undefined);
  const [session, setSession] = useState<SessionView | undefined>(undefined);
  const [credits, setCredits] = useState<number | undefined>(undefined);
  const [upload, setUpload] = useState<UploadProgress | undefined>(undefined);
  const picker = useRef<HTMLInputElement>(null);
  const route = useRoute();

  const showTrouble = (trouble: Trouble) => {
    chat.add({ role: "error", text: trouble.text, link: trouble.link });
    bridge.error({ code: trouble.code, message: trouble.text });
  };

  const refreshSession = async (id = sessionId) => {
    if (!id) return undefined;
    const view = await ok(api.sessions[":id"].$get({ param: { id } }));
    setSession(view);
    return view;
  };
  const refreshCredits = async () => {
    const balance = await ok(api.credits.$get());
    setCredits(balance.available);
    return balance;
  };

  const exporter = useExport(sessionId, showTrouble);

  /** A step the person asked for (typed: `asked`) or the assistant's stream did (an `action` event). */
  const run = (action: Action | "credits", asked = false) => {
    switch (action) {
      case "export":
        void exporter.start();
        break;
      case "state":
        refreshSession()
          .then((view) => {
            if (view && asked) chat.add({ role: "assistant", text: view.summary });
          })
          .catch((error) => showTrouble(troubleFrom(error)));
        break;
      case "credits":
        refreshCredits()
          .then(({ available, frozen }) => chat.add({ role: "assistant", text: t.creditsLine(available, frozen) }))
          .catch((error) => showTrouble(troubleFrom(error)));
        break;
      case "upload":
        chat.add({ role: "assistant", text: t.pickPrompt });
        break;
    }
  };

  const chat = useConversation(sessionId, {
    action: (action) => run(action),
    timeline: () => void refreshSession().catch(() => {}),
    trouble: (trouble) => bridge.error({ code: trouble.code, message: trouble.text }),
    ended: () => {
      void refreshSession().catch(() => {});
      void refreshCredits().catch(() => {});
    },
  });

  const start = () => {
    setPhase("setup");
    openSession()
      .then(async (id) => {
        setSessionId(id);
        setPhase("ready");
        await Promise.all([refreshSession(id), refreshCredits()]);
      })
      .catch((error) => {
        // The API's own sentence and way out (no free accounts left, a limit): never a generic one.
        const trouble = error instanceof ApiError && error.code !== "network" ? troubleFrom(error) : undefined;
        setSetupTrouble(trouble);
        if (trouble) bridge.error({ code: trouble.code, message: trouble.text });
        setPhase("failed");
      });
  };
  useEffect(start, []);
  useEffect(() => {
    if (!sessionId) return;
    chat.load().catch((error) => showTrouble(troubleFrom(error)));
    exporter.load().catch(() => {});
  }, [sessionId]);

  const submit = (text: string) => {
    const intent = routeIntent(text);
    if (intent === "chat") return void chat.send(text);
    chat.add({ role: "user", text });
    if (intent === "upload") picker.current?.click();
    run(intent, true);
  };

  const sendFiles = async (files: File[]) => {
    if (!sessionId) return;
    for (const file of files) {
      const refused = refusal(file);
      if (refused) {
        showTrouble(troubleOf(refused));
        continue;
      }
      setUpload({ name: file.name, fraction: 0 });
      try {
        const added = await uploadFile(sessionId, file, (fraction) => setUpload({ name: file.name, fraction }));
        chat.add({ role: "notice", text: t.uploaded(added.map((each) => each.name).join(", ")) });
      } catch (error) {
        showTrouble(troubleFrom(error));
      }
    }
    setUpload(undefined);
    void refreshSession().catch(() => {});
  };
  const sendUrl = async (url: string) => {
    if (!sessionId) return;
    try {
      const added = await uploadUrls(sessionId, [url]);
      chat.add({ role: "notice", text: t.uploaded(added.map((each) => each.name).join(", ")) });
      void refreshSession().catch(() => {});
    } catch (error) {
      showTrouble(troubleFrom(error));
    }
  };

  return (
    <>
      <header class="top">
        <div class="brand">
          <h1>{t.title}</h1>
          <p class="tagline">{t.tagline}</p>
        </div>
        <div class="top-right">
          <Credits available={credits} />
          <a class="nav-link" href={hrefOf("videos")} onClick={follow("videos")} aria-current={route === "videos" ? "page" : undefined}>
            {t.myVideos}
          </a>
          <a class="lang" href={t.languageHref} lang={t.languageHref.includes("zh") ? "zh-CN" : "en"}>
            {t.language}
          </a>
        </div>
      </header>
      {phase !== "ready" ? (
        <main class="setup">
          <p role="status">
            {phase === "setup" && <span class="spinner" aria-hidden="true" />}
            {phase === "setup" ? t.settingUp : (setupTrouble?.text ?? t.setupFailed)}
          </p>
          {phase === "failed" && setupTrouble?.link && (
            <p>
              <a class="way-out" href={setupTrouble.link.href} target="_blank" rel="noopener noreferrer">
                {setupTrouble.link.label}
              </a>
            </p>
          )}
          {phase === "failed" && (
            <button type="button" class="primary" onClick={start}>
              {t.retry}
            </button>
          )}
        </main>
      ) : route === "videos" ? (
        <MyVideos />
      ) : (
        <main class="layout">
          <Chat lines={chat.lines} busy={chat.busy} status={chat.status} disabled={!sessionId} onSubmit={submit} />
          <div class="side">
            <ExportPanel
              view={exporter.view}
              claimUrl={exporter.claimUrl}
              earlier={exporter.earlier}
              ready={session?.exportReady ?? false}
              onExport={() => run("export")}
            />
            <Timeline tracks={session?.timeline.tracks ?? []} durationMs={session?.timeline.durationMs ?? 0} />
            <Uploads
              picker={picker}
              progress={upload}
              files={session?.media ?? []}
              disabled={!sessionId || upload !== undefined}
              onFiles={(files) => void sendFiles(files)}
              onUrl={(url) => void sendUrl(url)}
            />
          </div>
        </main>
      )}
      <footer>
        <p>
          {t.footer} <a href="/api/docs">{t.apiDocs}</a>
        </p>
      </footer>
    </>
  );
}
