// NemoVideo's chat stream read event by event (worker/nemo/events.ts).
import { describe, expect, it } from "vitest";
import { readUpstreamData, type UpstreamEvent, upstreamEvents } from "../../worker/nemo/events";
import { chunked, readAll } from "../streams";

const encoder = new TextEncoder();

describe("reading one event of NemoVideo's chat stream", () => {
  const adk = (event: Record<string, unknown>) =>
    readUpstreamData(JSON.stringify({ invocationId: "e-1", author: "nemo_agent", id: "ev", timestamp: 1, ...event }));

  it("reads an ADK functionCall as a tool call", () => {
    expect(
      adk({
        content: { role: "model", parts: [{ functionCall: { id: "adk-1", name: "generate_video", args: { prompt: "fox" } } }] },
        actions: { stateDelta: {} },
      }),
    ).toEqual([{ type: "tool_call", name: "generate_video" }]);
  });

  it("reads an ADK functionResponse as a tool result carrying the state delta", () => {
    expect(
      adk({
        content: { role: "user", parts: [{ functionResponse: { id: "adk-1", name: "generate_video", response: { status: "success" } } }] },
        actions: { stateDelta: { draft: { t: [] } } },
      }),
    ).toEqual([{ type: "tool_result", name: "generate_video", stateDelta: { draft: { t: [] } } }]);
  });

  it("reads a state delta without parts as a change of state", () => {
    expect(adk({ actions: { stateDelta: { draft: { t: [] } } } })).toEqual([
      { type: "tool_result", name: "state", stateDelta: { draft: { t: [] } } },
    ]);
  });

  it("reads model text, whole or partial, and skips thoughts and the user's own words", () => {
    expect(adk({ content: { role: "model", parts: [{ text: "Your 10-second clip is ready." }] } })).toEqual([
      { type: "text", text: "Your 10-second clip is ready.", partial: false },
    ]);
    expect(adk({ content: { role: "model", parts: [{ text: "Your 10-" }] }, partial: true })).toEqual([
      { type: "text", text: "Your 10-", partial: true },
    ]);
    expect(
      adk({ content: { role: "model", parts: [{ text: "Let me think about foxes…", thought: true }, { text: "Done." }] } }),
    ).toEqual([{ type: "text", text: "Done.", partial: false }]);
    expect(adk({ content: { role: "user", parts: [{ text: "generate a fox" }] } })).toEqual([{ type: "heartbeat" }]);
  });

  it('reads the {"type":…} family', () => {
    expect(readUpstreamData('{"type":"text","content":"Hello"}')).toEqual([{ type: "text", text: "Hello", partial: false }]);
    expect(readUpstreamData('{"type":"tool_call","name":"edit_multitrack","args":{}}')).toEqual([
      { type: "tool_call", name: "edit_multitrack" },
    ]);
    expect(readUpstreamData('{"type":"tool_result","name":"edit_multitrack","result":{"state_delta":{"draft":{}}}}')).toEqual([
      { type: "tool_result", name: "edit_multitrack", stateDelta: { draft: {} } },
    ]);
    expect(readUpstreamData('{"type":"heartbeat"}')).toEqual([{ type: "heartbeat" }]);
  });

  it("reads errors in all their forms, keeping a numeric code", () => {
    expect(readUpstreamData('{"error":"The agent failed to respond."}')).toEqual([
      { type: "error", code: undefined, message: "The agent failed to respond." },
    ]);
    expect(readUpstreamData('{"error":{"code":2001,"message":"insufficient credits"}}')).toEqual([
      { type: "error", code: 2001, message: "insufficient credits" },
    ]);
    expect(adk({ errorCode: 2001, errorMessage: "insufficient credits" })).toEqual([
      { type: "error", code: 2001, message: "insufficient credits" },
    ]);
    expect(adk({ errorCode: "INTERNAL", errorMessage: "The agent failed to respond." })).toEqual([
      { type: "error", code: undefined, message: "The agent failed to respond." },
    ]);
  });

  it("counts empty or unreadable data as a sign of life, never as text", () => {
    for (const data of ["", "   ", "not json", "[1,2]", "null", '"text"', "{}"])
      expect(readUpstreamData(data)).toEqual([{ type: "heartbeat" }]);
  });
});

describe("NemoVideo's chat stream as events", () => {
  const sse = [
    ": heartbeat\n\n",
    'data: {"content":{"role":"model","parts":[{"functionCall":{"id":"adk-1","name":"generate_video_with_seedance","args":{}}}]},"actions":{"stateDelta":{}}}\n\n',
    ": heartbeat\n\n",
    'data: {"content":{"role":"user","parts":[{"functionResponse":{"id":"adk-1","name":"generate_video_with_seedance","response":{"status":"success"}}}]},"actions":{"stateDelta":{"draft":{"t":[]}}}}\n\n',
    'data: {"content":{"role":"model","parts":[{"text":"你好，视频已经生成好了。"}]}}\n\n',
    'data: {"type":"heartbeat"}\n\n',
    'data: {"content":{"role":"model","parts":[{"text":"Ready."}]}}\n\n',
  ].join("");
  const expected: UpstreamEvent[] = [
    { type: "tool_call", name: "generate_video_with_seedance" },
    { type: "tool_result", name: "generate_video_with_seedance", stateDelta: { draft: { t: [] } } },
    { type: "text", text: "你好，视频已经生成好了。", partial: false },
    { type: "heartbeat" },
    { type: "text", text: "Ready.", partial: false },
  ];

  it("reads the same events however the bytes are split, even inside a character or a line ending", async () => {
    const bytes = encoder.encode(sse);
    for (const size of [1, 2, 3, 7, 64, bytes.length]) expect(await readAll(upstreamEvents(chunked(bytes, size)))).toEqual(expected);
  });

  it("reads CRLF line endings", async () => {
    const bytes = encoder.encode(sse.replaceAll("\n", "\r\n"));
    expect(await readAll(upstreamEvents(chunked(bytes, 5)))).toEqual(expected);
  });

  it("ends when the stream closes, with no done event", async () => {
    expect(await readAll(upstreamEvents(chunked(encoder.encode(": heartbeat\n\n"), 4)))).toEqual([]);
  });
});
