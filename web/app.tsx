import { useEffect, useRef, useState } from "preact/hooks";
import { MESSAGE_MAX_CHARS } from "../worker/chat/limits";
import { promptWithChoices } from "../worker/generations/choices";
import { ApiError } from "./api";
import * as bridge from "./bridge";
import { Chat } from "./chat/Chat";
import { Composer } from "./chat/Composer";
import { Conversations } from "./chat/Conversations";
import { newConversation, openConversation, refreshCredits, refreshRecent, refreshSession, send } from "./chat/conversation";
import { startExport } from "./chat/exports";
import { routeIntent } from "./chat/intents";
import { isNewSubject } from "./chat/subject";
import { showTrouble } from "./chat/trouble";
import { Credits } from "./credits/Credits";
import { languageTag, t } from "./i18n";
import { MyVideos } from "./library/MyVideos";
import { loadLibrary } from "./library/videos";
import { follow, go, hrefOf, useRoute } from "./route";
import { SampleClips } from "./service/SampleClips";
import { openSession } from "./session";
import { addLine, store, use, videoOf } from "./state";
import { Timeline } from "./timeline/Timeline";
import { type UploadProgress, Uploads } from "./uploads/Uploads";
import { refusal, uploadFile, uploadUrls } from "./uploads/upload";
import { type Trouble, troubleFrom, troubleOf } from "./words";

/** The page: setup, then the conversation with its videos and the prompt box, beside the timeline and the media. */
export function App() {
  const [phase, setPhase] = useState<"setup" | "ready" | "failed">("setup");
  const [setupTrouble, setSetupTrouble] = useState<Trouble | undefined>(undefined);
  const [upload, setUpload] = useState<UploadProgress | undefined>(undefined);
  const picker = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const route = useRoute();
  const sessionId = use(() => store.sessionId.value);
  const session = use(() => store.session.value);
  const credits = use(() => store.credits.value);
  const sent = use(() => promptWithChoices(store.text.value.trim(), store.choices.value, languageTag));

  const start = () => {
    setPhase("setup");
    openSession()
      .then(async (id) => {
        setPhase("ready");
        void refreshCredits().catch(() => {});
        void refreshRecent().catch(() => {});
        void loadLibrary().catch(() => {});
        await openConversation(id);
      })
      .catch((error) => {
        // The API's own sentence and way out (no free accounts left, a limit): never a generic one.
        const trouble = error instanceof ApiError && error.code !== "network" ? troubleFrom(error) : undefined;
        setSetupTrouble(trouble);
        if (trouble) bridge.error({ code: trouble.code, message: trouble.text });
        setPhase("failed");
      });
  };
  useEffect(() => {
    start();
    // Credits got elsewhere (NemoVideo's own site, in another tab) count when the person comes back.
    addEventListener("visibilitychange", () => document.hidden || void refreshCredits().catch(() => {}));
  }, []);

  /** A conversation of its own for a new video; with `words`, the prompt that asked for it is sent there. */
  const newVideo = (words?: string) => {
    const offered = store.offer.value;
    newConversation()
      .then(() => {
        box.current?.focus();
        if (words && offered) void send(offered.sent, words);
      })
      .catch((error) => showTrouble(troubleFrom(error)));
  };
  const open = (id: string) => {
    go("make");
    void openConversation(id).catch((error) => showTrouble(troubleFrom(error)));
  };

  /** A message from the box or a suggestion: a command the page performs, or words (and choices) for the assistant. */
  const submit = (typed = store.text.value) => {
    const message = typed.trim();
    // While a reply is written the message stays in the box: Stop stands in Send's place.
    if (!message || !sessionId || store.turn.value) return;
    const text = promptWithChoices(message, store.choices.value, languageTag);
    if (text.length > MESSAGE_MAX_CHARS) return;
    store.text.value = "";
    const intent = routeIntent(message);
    if (intent === "chat") {
      store.choices.value = {};
      const hasVideo = store.lines.value.some((line) => line.videoId && videoOf(line.videoId));
      // A different subject where a video is done: offered as a new video, never silently sent as an edit of it.
      if (hasVideo && isNewSubject(message)) return void (store.offer.value = { words: message, sent: text });
      store.offer.value = undefined;
      return void send(text, message);
    }
    addLine({ role: "user", text: message });
    if (intent === "export") void startExport();
    else if (intent === "state")
      refreshSession()
        .then(() => addLine({ role: "assistant", text: store.session.value?.summary ?? "" }))
        .catch((error) => showTrouble(troubleFrom(error)));
    else if (intent === "credits")
      refreshCredits()
        .then(({ available, frozen }) => addLine({ role: "assistant", text: t.creditsLine(available, frozen) }))
        .catch((error) => showTrouble(troubleFrom(error)));
    else {
      addLine({ role: "assistant", text: t.pickPrompt });
      picker.current?.click();
    }
  };

  const uploaded = (added: { name: string }[]) => {
    addLine({ role: "notice", text: t.uploaded(added.map((each) => each.name).join(", ")) });
    void refreshSession().catch(() => {});
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
        uploaded(await uploadFile(sessionId, file, (fraction) => setUpload({ name: file.name, fraction })));
      } catch (error) {
        showTrouble(troubleFrom(error));
      }
    }
    setUpload(undefined);
  };
  const sendUrl = (url: string) => {
    if (sessionId) uploadUrls(sessionId, [url]).then(uploaded, (error) => showTrouble(troubleFrom(error)));
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
        <MyVideos onOpen={open} />
      ) : (
        <main class="layout">
          <SampleClips />
          <div class="column">
            <Conversations onNew={() => newVideo()} onOpen={open} />
            <Chat
              onSuggestion={(suggestion) => {
                // The suggestions go once the conversation starts: the box takes the focus they had.
                box.current?.focus();
                submit(suggestion);
              }}
              onNewVideo={(words) => newVideo(words)}
            />
            <Composer box={box} length={sent.length} onSubmit={() => submit()} />
          </div>
          <div class="side">
            <Timeline
              tracks={session?.timeline.tracks ?? []}
              durationMs={session?.timeline.durationMs ?? 0}
              ready={session?.exportReady ?? false}
              onExport={() => void startExport()}
            />
            <Uploads
              picker={picker}
              progress={upload}
              files={(session?.media ?? []).filter((file) => file.made === "uploaded")}
              disabled={!sessionId || upload !== undefined}
              onFiles={(files) => void sendFiles(files)}
              onUrl={sendUrl}
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
