/**
 * A NemoVideo stand-in for the load benchmark (`node bench/standin.mjs <port> <events> <intervalMs>`): a plain Node
 * server that answers only what a chat turn needs (an anonymous token, a session, the session's state) and, on
 * `/run_sse`, streams `<events>` ADK text chunks one every `<intervalMs>`, then the whole text. Each chunk is
 * `#<n>@<ms>; Done. ` (a sentence), the epoch milliseconds at which it was written, so whoever reads it (directly, through nginx, or
 * through the relay, which passes the words on unchanged) knows how late it arrived. It prints `ready` once
 * listening. Not the emulator: nothing here plays NemoVideo's behaviour, it only makes load.
 */
import { createServer } from "node:http";

const [port, events, intervalMs] = process.argv.slice(2).map(Number);
const now = () => performance.timeOrigin + performance.now();
let counter = 0;

const envelope = (response, data) => {
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify({ code: 0, message: "success", data }));
};

function stream(response) {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const chunks = [];
  const write = (event) => response.write(`data: ${JSON.stringify({ author: "nemo_agent", ...event })}\n\n`);
  let n = 0;
  const next = () => {
    if (response.destroyed) return;
    if (n === events) {
      write({ content: { role: "model", parts: [{ text: chunks.join("") }] } });
      response.end();
      return;
    }
    // A whole sentence each (it ends with a stop and a space): the relay lets a reply's text out a sentence at a
    // time (issue 13), so a chunk that ended none would wait for the turn's end and the figure would be that wait.
    const text = `#${n++}@${now().toFixed(3)}; Done. `;
    chunks.push(text);
    write({ content: { role: "model", parts: [{ text }] }, partial: true });
    setTimeout(next, intervalMs);
  };
  next();
}

createServer((request, response) => {
  // Bodies are read and dropped: nothing here depends on what was asked, only on where.
  request.resume();
  request.once("end", () => {
    const path = new URL(request.url, "http://standin").pathname;
    const id = ++counter;
    if (path === "/api/auth/anonymous-token")
      return envelope(response, { token: `standin-${id}`, user_id: `user-${id}`, expires_at: new Date(Date.now() + 7 * 86400_000).toISOString() });
    if (path === "/api/tasks/me/with-session/nemo_agent") return envelope(response, { task_id: `task-${id}`, session_id: String(1e15 + id) });
    if (path.startsWith("/api/state/")) return envelope(response, { state: { draft: null } });
    if (path === "/api/credits/balance/simple") return envelope(response, { available: 100, frozen: 0, total: 100 });
    if (path === "/run_sse") return stream(response);
    response.writeHead(404).end();
  });
})
  .listen(port, "127.0.0.1", () => console.log("ready"))
  .on("error", (error) => {
    console.error(error.message);
    process.exit(1);
  });
