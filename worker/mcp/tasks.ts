import { z } from "@hono/zod-openapi";
import { type CallToolResult, type McpServer, ProtocolError, ProtocolErrorCode, RELATED_TASK_META_KEY, type Task } from "@modelcontextprotocol/server";
import type { Caller } from "../caller";
import { readCursor } from "../cursor";
import type { GenerationRecord } from "../generations/schema";

/**
 * MCP tasks (protocol 2025-11-25) over the generations the tools already make: a task's id is its generation's id,
 * and everything a task is comes from the visitor's Durable Object (the server is made anew for every request). A
 * client that asks `tools/call` for a task (`task: {ttl}`) gets `{task}` at once instead of the tool's answer; it
 * follows it with `tasks/get`, reads the tool's final answer with `tasks/result` (get_video's, with the
 * `downloadUrl`), ends it with `tasks/cancel`. The SDK (2.4.0) has the wire types and no task runtime; the
 * 2026-07-28 wire strips `capabilities.tasks` and `execution.taskSupport`, so this serves 2025-11-25 clients.
 */
export const TASK_TOOLS = new Set(["create_video", "edit_video"]);

/** How often a client should ask tasks/get, in milliseconds: a video takes 1 to 3 minutes. */
const POLL_INTERVAL_MS = 3000;

/** How long tasks/result waits for a task still working before it says to ask again (under the clients' 60 s). */
const RESULT_WAIT_MS = 45_000;

const TaskId = z.object({ taskId: z.string(), _meta: z.record(z.string(), z.unknown()).optional() });
const ListParams = z.object({ cursor: z.string().optional(), _meta: z.record(z.string(), z.unknown()).optional() });

/** A generation's status as a task's. */
const STATUS: Record<GenerationRecord["status"], Task["status"]> = {
  queued: "working",
  generating: "working",
  rendering: "working",
  completed: "completed",
  failed: "failed",
  cancelled: "cancelled",
};

const ended = (record: GenerationRecord) => STATUS[record.status] !== "working";

/** The task a generation is. It lives as long as its video (`ttl` null: kept until the person deletes it). */
export function toTask(record: GenerationRecord): Task {
  const { generationId, status, progress, error, createdAt, completedAt } = record;
  const statusMessage =
    status === "rendering" ? `rendering the MP4 (${progress ?? 0}%)` : status === "failed" ? (error?.message ?? "failed") : status;
  return {
    taskId: generationId,
    status: STATUS[status],
    statusMessage,
    createdAt: new Date(createdAt).toISOString(),
    lastUpdatedAt: new Date(completedAt ?? createdAt).toISOString(),
    ttl: null,
    ...(ended(record) ? {} : { pollInterval: POLL_INTERVAL_MS }),
  };
}

/** What the tasks ask of the tools: the final answer of a video (get_video's). */
export interface TaskTools {
  videoAnswer(id: string): Promise<CallToolResult>;
}

type ToolsCall = (request: { method: string; params?: Record<string, unknown> }, ctx: unknown) => Promise<Record<string, unknown>>;

/** The handler McpServer registered for tools/call (the SDK keeps it behind a protected accessor). */
const toolsCallOf = (server: McpServer): ToolsCall =>
  (server.server as unknown as { _getRequestHandler(method: string): ToolsCall })._getRequestHandler("tools/call");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Serves tasks on `server` (after its tools are registered): the capability, `execution.taskSupport: "optional"`
 * on create_video and edit_video, tools/call as a task, and tasks/get, tasks/result, tasks/cancel, tasks/list, every
 * one of them reading the caller's own generations (another visitor's task id is not found).
 */
export function serveTasks(server: McpServer, caller: Caller, tools: TaskTools): void {
  const { stub } = caller;
  const inner = server.server;
  inner.registerCapabilities({ tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } });
  for (const name of TASK_TOOLS) {
    const tool = (server as unknown as { _registeredTools: Record<string, { execution?: object }> })._registeredTools[name];
    tool.execution = { taskSupport: "optional" };
  }
  const read = async (taskId: string) => {
    const outcome = await stub.generationRead(taskId);
    if (!outcome.ok) throw new ProtocolError(ProtocolErrorCode.InvalidParams, "Failed to retrieve task: Task not found");
    return outcome.value;
  };

  const toolsCall = toolsCallOf(server);
  inner.setRequestHandler("tools/call", async (request, ctx) => {
    const { task, ...params } = request.params as typeof request.params & { task?: unknown };
    if (!task || !TASK_TOOLS.has(params.name)) return (await toolsCall(request, ctx)) as CallToolResult;
    // The tool starts its generation as it always does; a refusal (bad input, no credits) is answered as it is.
    const started = (await toolsCall({ ...request, params }, ctx)) as CallToolResult;
    const id = (started.structuredContent as { id?: string } | undefined)?.id;
    if (started.isError || !id) return started;
    const text = started.content.find((block) => block.type === "text");
    // The SDK checks every tools/call answer as a CallToolResult, which needs `content` beside a `task`: empty.
    return {
      content: [],
      task: toTask(await read(id)),
      ...(text ? { _meta: { "io.modelcontextprotocol/model-immediate-response": text.text } } : {}),
    } as CallToolResult;
  });

  inner.setRequestHandler("tasks/get", { params: TaskId }, async ({ taskId }) => toTask(await read(taskId)));

  inner.setRequestHandler("tasks/result", { params: TaskId }, async ({ taskId }, ctx) => {
    const deadline = Date.now() + RESULT_WAIT_MS;
    let record = await read(taskId);
    const token = (ctx as { mcpReq: { _meta?: { progressToken?: string | number } } }).mcpReq._meta?.progressToken;
    const notify = (ctx as { mcpReq: { notify(n: object): Promise<void> } }).mcpReq.notify;
    while (!ended(record)) {
      if (Date.now() > deadline) throw new ProtocolError(ProtocolErrorCode.InternalError, `${taskId} is still working: ask tasks/get, then tasks/result again.`);
      if (token !== undefined)
        await notify({ method: "notifications/progress", params: { progressToken: token, progress: record.progress ?? 0, total: 100, message: toTask(record).statusMessage } });
      await sleep(1000);
      record = await read(taskId);
    }
    const answer = await tools.videoAnswer(taskId);
    return { ...answer, _meta: { ...answer._meta, [RELATED_TASK_META_KEY]: { taskId } } };
  });

  inner.setRequestHandler("tasks/cancel", { params: TaskId }, async ({ taskId }) => {
    const record = await read(taskId);
    if (ended(record)) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Cannot cancel task: already in terminal status '${STATUS[record.status]}'`);
    const outcome = await stub.generationCancel(taskId);
    return toTask(outcome.ok ? outcome.value : await read(taskId));
  });

  inner.setRequestHandler("tasks/list", { params: ListParams }, async ({ cursor }) => {
    const outcome = await stub.generationList({ limit: 100, ...(cursor ? { after: readCursor(cursor) } : {}) });
    if (!outcome.ok) throw new ProtocolError(ProtocolErrorCode.InternalError, outcome.error.message);
    const { generations, nextCursor } = outcome.value;
    return { tasks: generations.map(toTask), ...(nextCursor ? { nextCursor } : {}) };
  });
}
