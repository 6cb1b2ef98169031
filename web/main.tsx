import { render } from "preact";
import { App } from "./app";
import * as bridge from "./bridge";
import { languageTag, loadWords, t } from "./i18n";

document.documentElement.lang = languageTag;

// In the widget the host page may hold the visitor key: ask before anything reads it; the words come meanwhile.
void Promise.all([bridge.connect(), loadWords()]).then(() => {
  document.title = `${t.title}: ${t.tagline}`;
  render(<App />, document.getElementById("app")!);
  bridge.ready();
});
