import { Client, type Progress, type RequestOptions, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createTaskSessionFromClient, resultFromTaskOutcome } from "@modelcontextprotocol/ext-tasks/client";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { emulator, fetchWorker, newVisitor, useEmulator } from "../helpers";

useEmulator();

const MCP = new URL("http://localhost/mcp");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const Any = z.any();
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The official client (2.4.0) as a 2025-11-25 host runs it: the initialize handshake, the visitor key in every request. */
async function connect(key: string) {
  const client = new Client({ name: "test", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(MCP, { fetch: fetchWorker, requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
  expect(client.getNegotiatedProtocolVersion()).toBe("2025-11-25");
  return client;
}

/** A request of the tasks vocabulary (the SDK has the wire schemas, not typed methods for it). */
const ask = (client: Client, method: string, params: Record<string, unknown>, options?: RequestOptions) =>
  client.request({ method, params } as never, Any, options) as Promise<any>;

const createAsTask = (client: Client, prompt: string) =>
  ask(client, "tools/call", { name: "create_video", arguments: { prompt }, task: { ttl: 600_000 } });

async function settledTask(client: Client, taskId: string, timeoutMs = 12_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await ask(client, "tasks/get", { taskId });
    if (task.status !== "working" || Date.now() > deadline) return task;
    await sleep(50);
  }
}

describe("create_video as a task (MCP 2025-11-25)", () => {
  it("the server declares tasks for tools/call, and create_video and edit_video may run as tasks", async () => {
    const client = await connect((await newVisitor()).key);
    expect(client.getServerCapabilities()?.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
    const { tools } = await client.listTools();
    const support = Object.fromEntries(tools.map((tool) => [tool.name, tool.execution?.taskSupport]));
    expect(support).toMatchObject({ create_video: "optional", edit_video: "optional", get_video: undefined });
    await client.close();
  });

  it("answers a working task at once, tasks/get follows it to completed, and tasks/result gives the video with its downloadUrl", async () => {
    const client = await connect((await newVisitor()).key);
    const created = await createAsTask(client, "a fox running through a snowy forest");
    expect(created.task).toEqual({
      taskId: expect.stringMatching(/^gen_[0-9a-f]{16}$/),
      status: "working",
      statusMessage: "queued",
      createdAt: expect.stringMatching(ISO),
      lastUpdatedAt: expect.stringMatching(ISO),
      ttl: null,
      pollInterval: 3000,
    });
    const { taskId } = created.task;
    expect(await settledTask(client, taskId)).toMatchObject({ taskId, status: "completed" });
    const result = await ask(client, "tasks/result", { taskId });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ id: taskId, status: "completed", downloadUrl: expect.stringMatching(/^http:\/\/localhost\/api\/v1\/exports\/exp_.*sig=/) });
    expect(result._meta["io.modelcontextprotocol/related-task"]).toEqual({ taskId });
    const file = await fetchWorker(result.structuredContent.downloadUrl);
    expect(file.headers.get("Content-Type")).toBe("video/mp4");
    await file.arrayBuffer();
    // The task is the video: get_video sees the same one, and tasks/list names it.
    const video = await client.callTool({ name: "get_video", arguments: { id: taskId } });
    expect(video.structuredContent).toMatchObject({ id: taskId, status: "completed" });
    const { tasks } = await ask(client, "tasks/list", {});
    expect(tasks).toEqual([expect.objectContaining({ taskId, status: "completed" })]);
    await client.close();
  });

  it("tasks/result asked while the video is made waits for it", async () => {
    const client = await connect((await newVisitor()).key);
    const { task } = await createAsTask(client, "a lighthouse at dusk");
    const result = await ask(client, "tasks/result", { taskId: task.taskId });
    expect(result.structuredContent).toMatchObject({ id: task.taskId, status: "completed", downloadUrl: expect.any(String) });
    await client.close();
  });

  it("tasks/result asked with a progress token sends the video's progress while it is made", async () => {
    const client = await connect((await newVisitor()).key);
    const { task } = await createAsTask(client, "a kite over a windy beach");
    const seen: Progress[] = [];
    const result = await ask(client, "tasks/result", { taskId: task.taskId }, { onprogress: (progress) => seen.push(progress) });
    expect(result.structuredContent).toMatchObject({ id: task.taskId, status: "completed" });
    expect(seen.length).toBeGreaterThan(0);
    for (const step of seen) expect(step).toMatchObject({ progress: expect.any(Number), total: 100, message: expect.any(String) });
    // Progress only goes forward, and says in words what is happening.
    expect(seen.map((step) => step.progress)).toEqual([...seen.map((step) => step.progress)].sort((a, b) => a - b));
    expect(seen[0].message).toMatch(/queued|generating|rendering/);
    await client.close();
  });

  it("ext-tasks' requester session runs create_video as a task through to its result", async () => {
    const client = await connect((await newVisitor()).key);
    const session = createTaskSessionFromClient(client, { endpointId: "promptreel-test" });
    try {
      const execution = await session.callTool("create_video", { prompt: "waves on a beach at sunrise" }, { task: { preference: "prefer" } });
      const { outcome } = await execution.settle();
      const result = resultFromTaskOutcome(outcome) as any;
      expect(result.structuredContent).toMatchObject({ status: "completed", downloadUrl: expect.any(String) });
    } finally {
      await session.close();
      await client.close();
    }
  });

  it("tasks/cancel of a running task ends its video cancelled, and nothing is exported", async () => {
    const client = await connect((await newVisitor()).key);
    const { task } = await createAsTask(client, "a city street in the rain");
    const cancelled = await ask(client, "tasks/cancel", { taskId: task.taskId });
    expect(cancelled).toMatchObject({ taskId: task.taskId, status: "cancelled" });
    await sleep(1500);
    expect(await ask(client, "tasks/get", { taskId: task.taskId })).toMatchObject({ status: "cancelled" });
    expect((await client.callTool({ name: "get_video", arguments: { id: task.taskId } })).structuredContent).toMatchObject({ status: "cancelled" });
    expect((await emulator.requests()).some((r) => r.method === "POST" && r.path === "/api/render/proxy/lambda")).toBe(false);
    await expect(ask(client, "tasks/cancel", { taskId: task.taskId })).rejects.toThrow(/terminal status 'cancelled'/);
    await client.close();
  });

  it("a client that asks for no task still gets create_video's answer at once", async () => {
    const client = await connect((await newVisitor()).key);
    const created = await client.callTool({ name: "create_video", arguments: { prompt: "a paper boat on a pond" } });
    expect(created.structuredContent).toEqual({ id: expect.stringMatching(/^gen_/), status: "queued", sampleClip: true });
    expect((created as any).task).toBeUndefined();
    await client.close();
  });

  it("another visitor's task id is not found", async () => {
    const owner = await connect((await newVisitor()).key);
    const other = await connect((await newVisitor()).key);
    const { task } = await createAsTask(owner, "a hot air balloon over hills");
    for (const method of ["tasks/get", "tasks/result", "tasks/cancel"])
      await expect(ask(other, method, { taskId: task.taskId }), method).rejects.toThrow(/Task not found/);
    expect((await ask(other, "tasks/list", {})).tasks).toEqual([]);
    expect(await ask(owner, "tasks/get", { taskId: task.taskId })).toMatchObject({ taskId: task.taskId });
    await owner.close();
    await other.close();
  });
});
