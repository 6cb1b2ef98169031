import { useEffect, useState } from "preact/hooks";
import { api, done, ok } from "../api";
import { t } from "../i18n";
import { troubleFrom } from "../words";

type App = Awaited<ReturnType<typeof listApps>>[number];
const listApps = async () => (await ok(api.visitors.me.apps.$get())).apps;

/**
 * The apps signed in to the MCP server as this visitor (worker/oauth/routes.ts), under My videos, each with
 * Disconnect: its tokens stop working at once. Nothing is shown while there are none.
 */
export function ConnectedApps() {
  const [apps, setApps] = useState<App[]>([]);
  const [said, setSaid] = useState("");
  useEffect(() => void listApps().then(setApps, () => {}), []);

  const disconnect = async (app: App) => {
    try {
      await done(api.visitors.me.apps[":id"].$delete({ param: { id: app.id } }));
      setApps((now) => now.filter((each) => each.id !== app.id));
      setSaid(t.disconnected(app.name));
    } catch (error) {
      setSaid(troubleFrom(error).text);
    }
  };
  if (!apps.length && !said) return null;
  return (
    <section class="connected-apps" aria-labelledby="apps-title">
      <h3 id="apps-title">{t.connectedApps}</h3>
      <ul>
        {apps.map((app) => (
          <li key={app.id}>
            <span>
              <strong>{app.name}</strong> <span class="muted">{t.connectedSince(new Date(app.createdAt))}</span>
            </span>
            <button type="button" onClick={() => disconnect(app)}>
              {t.disconnect}
            </button>
          </li>
        ))}
      </ul>
      <p class="muted" role="status">
        {said}
      </p>
    </section>
  );
}
