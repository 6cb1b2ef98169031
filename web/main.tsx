import { render } from "preact";
import { App } from "./app";
import * as bridge from "./bridge";
import { languageTag, loadWords, t } from "./i18n";

document.documentElement.lang = languageTag;

// In the widget the host page may hold the visitor key: ask before anything reads it; the words come meanwhile.
void Promise.all([bridge.connect(), loadWords()]).then(() => {
  document.title = `${t.title}: ${t.tagline}`;
  const root = document.getElementById("app")!;
  // The consent screen of signing in to the MCP server comes on its own, so that the app's page doesn't carry it.
  if (location.pathname === "/authorize") return import("./consent/Consent").then(({ Consent }) => render(<Consent />, root));
  render(<App />, root);
  bridge.ready();
});
