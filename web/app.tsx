import type { InferResponseType } from "hono/client";
import { useEffect, useRef, useState } from "preact/hooks";
import { type Choices, promptWithChoices } from "../worker/generations/choices";
import { ApiError, api, ok } from "./api";
import * as bridge from "./bridge";
import { routeIntent } from "./chat/intents";
import { Chat } from "./chat/Chat";
import { Composer } from "./chat/Composer";
import { type Action, useConversation } from "./chat/conversation";
import { Credits } from "./credits/Credits";
import { useExport } from "./exports/export";
import { languageTag, t } from "./i18n";
import { VideoCard } from "./player/VideoCard";
import { follow, hrefOf, useRoute } from "./route";
import { SampleClips } from "./service/SampleClips";
import { openSession } from "./session";
import { Timeline } from "./timeline/Timeline";
import { type UploadProgress, Uploads } from "./uploads/Uploads";
import { refusal, uploadFile, uploadUrls } from "./uploads/upload";
import { MyVideos } from "./videos/MyVideos";
import { type Trouble, troubleFrom, troubleOf } from "./words";

type SessionView = InferResponseType<(typeof api.sessions)[":id"]["$get"], 200>;

/** The page: setup, then the conversation with its videos and the prompt box, beside the timeline and the media. */
export function App() {
  const [phase, setPhase] = useState<"setup" | "ready" | "failed">("setup");
  const [setupTrouble, setSetupTrouble] = useState<Trouble | undefined>(undefined);
  const [sessionId, setSessionId] = useState<string | undefined>(undefined);
  const [session, setSession] = useState<SessionView | undefined>(undefined);
  const [credits, setCredits] = useState<number | undefined>(undefined);
  const [upload, setUpload] = useState<UploadProgress | undefined>(undefined);
  const [text, setText] = useState("");
  const [choices, setChoices] = useState<Choices>({});
  const picker = useRef<HTMLInputElement>(null);
  const route = useRoute();
  const box = useRef<HTMLTextAreaElement>(null);

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

  const exporter = useExport(sessionId, { started: (exportId) => chat.addVideo(exportId), trouble: showTrouble });

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
    failed: (words) => setText((typed) => typed || words),
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
    exporter
      .load()
      .catch(() => [])
      .then((videos) => chat.load(videos.map((video) => ({ exportId: video.exportId, at: video.createdAt }))))
      .catch((error) => showTrouble(troubleFrom(error)));
  }, [sessionId]);

  /** A message from the box or a suggestion: a command the page performs, or words (and choices) for the assistant. */
  const submit = (typed: string) => {
    const message = typed.trim();
    // While a reply is written the message stays in the box: Stop stands in Send's place.
    if (!message || !sessionId || chat.busy) return;
    setText("");
    const intent = routeIntent(message);
    if (intent === "chat") return void chat.send(promptWithChoices(message, choices, languageTag), message);
    chat.add({ role: "user", text: message });
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

  const newestVideo = chat.lines.findLast((line) => line.exportId)?.exportId;

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
          <SampleClips />
          <div class="column">
            <Chat
              lines={chat.lines}
              making={chat.making}
              busy={chat.busy}
              disabled={!sessionId}
              canExport={session?.exportReady ?? false}
              video={(exportId) => (
                <VideoCard
                  exportId={exportId}
                  shown={exporter.shown[exportId]}
                  claimUrl={exportId === newestVideo ? exporter.claimUrl : undefined}
                  busy={chat.busy}
                  onCancel={() => void exporter.cancel(exportId)}
                  onExport={() => run("export")}
                  onVariations={() => void chat.send(t.variationsMessage)}
                />
              )}
              onSuggestion={(suggestion) => {
                // The suggestions go once the conversation starts: the box takes the focus they had.
                box.current?.focus();
                submit(suggestion);
              }}
              onRetry={(sent) => {
                setText((typed) => (sent.startsWith(typed.trim()) ? "" : typed));
                void chat.send(sent);
              }}
            />
            <Composer
              box={box}
              text={text}
              choices={choices}
              busy={chat.busy}
              status={chat.status}
              disabled={!sessionId}
              onText={setText}
              onChoices={setChoices}
              onSubmit={submit}
              onStop={() => void chat.cancel()}
            />
          </div>
          <div class="side">
            <Timeline
              tracks={session?.timeline.tracks ?? []}
              durationMs={session?.timeline.durationMs ?? 0}
              ready={session?.exportReady ?? false}
              onExport={() => run("export")}
            />
            <Uploads
              picker={picker}
              progress={upload}
              files={(session?.media ?? []).filter((file) => file.made === "uploaded")}
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
