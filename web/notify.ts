import { t } from "./i18n";
import { recall, remember } from "./saved";

/**
 * A video finished while the tab was hidden: the tab's title says so until the tab is seen again, and, when the
 * person allowed it, a browser notification says so too.
 */
export function tellDone(title: string): void {
  if (!document.hidden) return;
  const before = document.title;
  document.title = `✓ ${t.videoReady}`;
  const seen = () => {
    if (document.hidden) return;
    document.title = before;
    removeEventListener("visibilitychange", seen);
  };
  addEventListener("visibilitychange", seen);
  if (typeof Notification !== "undefined" && Notification.permission === "granted") new Notification(t.videoReady, { body: title });
}

/** Asks once, when the person starts a first video (never on load), whether the page may notify them. */
export function askToNotify(): void {
  if (typeof Notification === "undefined" || Notification.permission !== "default" || recall("askedToNotify")) return;
  remember("askedToNotify", "1");
  void Notification.requestPermission().catch(() => {});
}
