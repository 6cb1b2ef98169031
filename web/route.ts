import { useEffect, useState } from "preact/hooks";

/**
 * The page's two screens at real addresses (the history API, so Back works and either can be loaded directly):
 * `/` makes a video, `/videos` lists the visitor's videos. The query (`?lang=`, the widget's `?embed=1&origin=`)
 * goes along, so the language and the widget stay as they are.
 *
 * @example
 * const route = useRoute();
 * <a href={hrefOf("videos")} onClick={follow("videos")}>My videos</a>
 */
export type Route = "make" | "videos";

const routeOf = (pathname: string): Route => (pathname.replace(/\/+$/, "") === "/videos" ? "videos" : "make");

/** The address of a screen, with the page's query. */
export const hrefOf = (route: Route) => (route === "videos" ? "/videos" : "/") + location.search;

/** Goes to a screen, as a new history entry. */
export function go(route: Route): void {
  if (routeOf(location.pathname) === route) return;
  history.pushState(null, "", hrefOf(route));
  dispatchEvent(new PopStateEvent("popstate"));
}

/** A link's click handler: a plain click moves within the page; a new-tab or new-window click is the browser's. */
export const follow = (route: Route) => (event: MouseEvent) => {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  go(route);
};

/** The screen the address names, following Back and Forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.pathname));
  useEffect(() => {
    const changed = () => setRoute(routeOf(location.pathname));
    addEventListener("popstate", changed);
    return () => removeEventListener("popstate", changed);
  }, []);
  return route;
}
