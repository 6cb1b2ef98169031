// The page's event-stream reader (web/sse.ts): a chat reply, an export's progress and a generation's progress all
// come through it, cut wherever the network cuts them.
import { describe, expect, it } from "vitest";
import { readSse, type SseEvent } from "../../web/sse";

/** A body that arrives in these pieces (the bytes of a multi-byte character may be split too). */
function bodyOf(pieces: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(typeof piece === "string" ? encoder.encode(piece) : piece);
      controller.close();
    },
  });
}
async function eventsOf(pieces: (string | Uint8Array)[]): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  await readSse(bodyOf(pieces) as ReadableStream<BufferSource>, (event) => events.push(event));
  return events;
}

describe("the page's event-stream reader", () => {
  it("reads the API's events with their ids and names, skipping keep-alive comments", async () => {
    const events = await eventsOf([': keep-alive\n\nid: 1\nevent: text\ndata: {"text":"Hi"}\n\n', "id: 2\nevent: done\ndata: {}\n\n"]);
    expect(events).toEqual([
      { id: "1", event: "text", data: '{"text":"Hi"}' },
      { id: "2", event: "done", data: "{}" },
    ]);
  });

  it("an event cut anywhere, a CRLF between its halves and a character between its bytes, is one event", async () => {
    const fox = new TextEncoder().encode('data: {"title":"狐狸"}\r\n\r\n');
    const split = fox.indexOf(0x0d); // the first CR of the line's end
    const character = fox.length - 10; // inside 狸's three bytes
    const pieces = [fox.slice(0, character), fox.slice(character, split + 1), fox.slice(split + 1)];
    expect(await eventsOf(["ev", "ent: sta", "tus\rdata: one\r", "\r", ...pieces])).toEqual([
      { event: "status", data: "one" },
      { event: "message", data: '{"title":"狐狸"}' },
    ]);
  });

  it("several data lines are one data joined by newlines; an event without data is nothing; the last comes without its blank line", async () => {
    expect(await eventsOf(["data: one\ndata: two\n\nevent: ping\n\nid: 9\ndata:last"])).toEqual([
      { event: "message", data: "one\ntwo" },
      { id: "9", event: "message", data: "last" },
    ]);
  });
});
