import { type CallToolResult, McpServer } from "@modelcontextprotocol/server";
import type { Caller } from "../caller";
import { playsSampleClips } from "../config";
import { COSTS_SENTENCE, Credits } from "../credits/schema";
import { pageAsk } from "../cursor";
import { notFound, settle } from "../errors";
import type { GenerationRecord } from "../generations/schema";
import { fingerprint } from "../idempotency/middleware";
import { secretOf, withDownload } from "../signing";
import type { LibraryVideo } from "../videos/library";
import { videoView } from "../videos/view";
import { answer, describeVideo, keptVideo, listText, marked, POLL_SENTENCE, refusal, startedAnswer, toVideo, videoLink } from "./answers";
import { serveTasks } from "./tasks";
import { serveView, VIEW_TOOL_META } from "./view/resource";
import { AnyVideoId, CreateVideoInput, EditVideoInput, ListVideosInput, Started, Video, VideoId, VideoList } from "./schema";

const INSTRUCTIONS = `PromptReel makes short videos from text, with NemoVideo. create_video answers at once with an id; the video is made on the server whether or not you wait. ${POLL_SENTENCE} When it is completed, give the person its downloadUrl. edit_video changes a finished video in plain words (a new id to poll). ${COSTS_SENTENCE}`;

/** A tool's work; an AppError (or anything else) becomes a tool error in words. */
const tool =
  <A>(work: (args: A) => Promise<CallToolResult>) =>
  async (args: A): Promise<CallToolResult> =>
    work(args).catch(refusal);

/**
 * A tool call that starts work, under its `idempotencyKey` (the store of the API's `Idempotency-Key`): the same key
 * and arguments answer the first answer again and start nothing; another call or arguments, or one still being
 * answered, is refused in words. A call that failed leaves the key free, so that a retry can succeed.
 */
async function keyed(stub: Caller["stub"], name: string, args: { idempotencyKey?: string; [field: string]: unknown }, work: () => Promise<CallToolResult>): Promise<CallToolResult> {
  const { idempotencyKey: key, ...rest } = args;
  if (!key) return work();
  const decision = settle(await stub.idempotencyBegin(key, await fingerprint(`MCP ${name}`, JSON.stringify(rest))));
  if (decision.replay) return JSON.parse(decision.answer.body ?? "{}") as CallToolResult;
  const result = await work().catch(async (error: unknown) => {
    await stub.idempotencyRelease(key);
    throw error;
  });
  if (result.isError) await stub.idempotencyRelease(key);
  else await stub.idempotencyAnswer(key, { status: 200, headers: {}, body: JSON.stringify(result) });
  return result;
}

/**
 * The MCP server of one request: the caller's videos as tools, over its Durable Object, as the API has them;
 * `origin` is the address it was asked at (its links are absolute).
 */
export function videoServer(caller: Caller, origin: string): McpServer {
  const { stub, visitorId, network } = caller;
  const secret = secretOf(caller.config);
  const sampleClips = playsSampleClips(caller.env);
  const signed = (record: GenerationRecord) => withDownload(record, visitorId, secret, origin);
  const kept = async (exportId?: string) => {
    const outcome = exportId ? await stub.videoRead(exportId) : undefined;
    return outcome?.ok ? videoView(outcome.value, origin, visitorId, secret) : undefined;
  };
  const view = async (record: GenerationRecord) =>
    marked(toVideo(await signed(record), record.status === "completed" ? await kept(record.exportId) : undefined), sampleClips);
  const find = async (id: string) => {
    if (id.startsWith("exp_")) {
      const video = await kept(id);
      if (!video) throw notFound("That video");
      return marked(keptVideo(video), sampleClips);
    }
    const outcome = await stub.generationRead(id);
    if (!outcome.ok) throw notFound("That video");
    return view(outcome.value);
  };
  const shown = (video: LibraryVideo) => videoView(video, origin, visitorId, secret);
  /** A page of every video, newest first: those made with create_video, and the library's others (made in the chat). */
  const listVideos = async (query: { limit?: number; after?: string }) => {
    const { items, nextCursor } = settle(await stub.everyVideoList(pageAsk({ limit: query.limit ?? 20, after: query.after })));
    const videos = await Promise.all(
      items.map(async (item) =>
        marked("generation" in item ? toVideo(await signed(item.generation), item.kept && (await shown(item.kept))) : keptVideo(await shown(item.video)), sampleClips),
      ),
    );
    return { videos, nextCursor };
  };
  /** get_video's answer: the video, in a sentence, with the MP4 as a resource link once it is made. */
  const videoAnswer = async (id: string) => {
    const video = await find(id);
    return answer(video, describeVideo(video), videoLink(video));
  };
  const server = new McpServer({ name: "promptreel", title: "PromptReel", version: "0.1.0" }, { instructions: INSTRUCTIONS });

  server.registerTool(
    "create_video",
    {
      title: "Make a video",
      description: `Starts making a short video (an MP4) from a prompt and answers at once with its id and status. ${POLL_SENTENCE} Spends the person's NemoVideo credits (about 100).`,
      inputSchema: CreateVideoInput,
      outputSchema: Started,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
      _meta: VIEW_TOOL_META,
    },
    tool(async ({ idempotencyKey, ...input }) =>
      keyed(stub, "create_video", { idempotencyKey, ...input }, async () => {
        const record = settle(await stub.generationStart(visitorId, origin, input, network));
        return startedAnswer(marked({ id: record.generationId, status: record.status }, sampleClips), `Started ${record.generationId}.`);
      }),
    ),
  );

  server.registerTool(
    "get_video",
    {
      title: "Check a video",
      description:
        "A video's status (queued, generating, rendering, completed, failed, cancelled), its progress while rendering, and when completed the MP4's downloadUrl (absolute, works for 24 hours with no other credential), also as a resource link.",
      inputSchema: AnyVideoId,
      outputSchema: Video,
      annotations: { readOnlyHint: true, openWorldHint: false },
      _meta: VIEW_TOOL_META,
    },
    tool(async ({ id }) => videoAnswer(id)),
  );

  server.registerTool(
    "cancel_video",
    {
      title: "Cancel a video",
      description:
        "Stops a video on its way: nothing more is done for it, and a render in progress is cancelled. A prompt that has already reached NemoVideo can't be recalled (it may still finish that clip in the project and spend its credits), but nothing is exported. A video that has ended is answered as it is.",
      inputSchema: VideoId,
      outputSchema: Video,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    tool(async ({ id }) => {
      const before = await find(id);
      const video = await view(settle(await stub.generationCancel(id)));
      if (before.status !== "cancelled" && video.status !== "cancelled")
        return answer(video, `${id} had already ended (${video.status}); there was nothing to cancel.`);
      const sent = before.status === "generating" ? " Its prompt had already reached NemoVideo, which can't be recalled: NemoVideo may still finish that clip, but nothing will be exported." : "";
      return answer(video, `${id} is cancelled.${sent}`);
    }),
  );

  server.registerTool(
    "list_videos",
    {
      title: "List videos",
      description:
        "The person's videos, newest first, a page at a time (limit 1 to 100, 20 when not given), each with its status, and the downloadUrl of those completed. Give nextCursor as after for the next page; it is null on the last.",
      inputSchema: ListVideosInput,
      outputSchema: VideoList,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool(async (query) => {
      const page = await listVideos(query);
      return answer(page, listText(page.videos) + (page.nextCursor ? `\nMore on the next page: list_videos with after "${page.nextCursor}".` : ""));
    }),
  );

  server.registerTool(
    "edit_video",
    {
      title: "Change a video",
      description: `Changes a finished video in plain words ("make the sky purple", "add a title"): NemoVideo works on the same project and a new MP4 is made, with a new id (the first video stays as it was). ${POLL_SENTENCE} Costs about 50 credits.`,
      inputSchema: EditVideoInput,
      outputSchema: Started,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    tool(async ({ id, idempotencyKey, ...change }) =>
      keyed(stub, "edit_video", { idempotencyKey, id, ...change }, async () => {
        const record = settle(await stub.generationEdit(visitorId, origin, id, change, network));
        return startedAnswer(marked({ id: record.generationId, status: record.status }, sampleClips), `Started ${record.generationId}, a change to ${id}.`);
      }),
    ),
  );

  server.registerTool(
    "get_credits",
    {
      title: "Credits",
      description: `The person's NemoVideo credits. ${COSTS_SENTENCE}`,
      outputSchema: Credits,
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    tool(async () => {
      const credits = await caller.nemo.credits();
      return answer(credits, `${credits.available} credits available (${credits.frozen} held by work in progress). ${COSTS_SENTENCE}`);
    }),
  );

  serveView(server, origin);
  serveTasks(server, caller, { videoAnswer: (id) => videoAnswer(id).catch(refusal) });
  return server;
}
