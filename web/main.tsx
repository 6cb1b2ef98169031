import { render } from "preact";

/** Until the chat app lands (see the README's roadmap), the page points at what already works: the API. */
function Home() {
  return (
    <main style={{ font: "16px/1.5 system-ui, sans-serif", maxWidth: "40rem", margin: "3rem auto", padding: "0 1rem" }}>
      <h1>PromptReel</h1>
      <p>Text to video, through NemoVideo's cloud API. The chat page is being built; the JSON API already works.</p>
      <ul>
        <li>
          <a href="/api/docs">API reference</a>
        </li>
        <li>
          <a href="/api/v1/openapi.json">OpenAPI document</a>
        </li>
      </ul>
    </main>
  );
}

render(<Home />, document.getElementById("app")!);
