import { render } from "preact";
import { App } from "./app";
import * as bridge from "./bridge";
import { languageTag, t } from "./i18n";

document.documentElement.lang = languageTag;
document.title = `${t.title}: ${t.tagline}`;

// In the widget the host page may hold the visitor key: ask before anything reads it.
void bridge.connect().then(() => {
  render(<App />, document.getElementById("app")!);
  bridge.ready();
});
