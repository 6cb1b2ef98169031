import { createRoute, z } from "@hono/zod-openapi";
import { settle } from "../errors";
import { type AppEnv, createRouter, errorResponse, requireVisitor, security, signedView, smallBody, unauthorized } from "../http";
import { checkOutbound } from "../outbound";
import { secretOf, webhookSecret } from "../signing";
import { sseResponse } from "../sse";
import { EditRequest, Generation, GenerationEvent, GenerationParams, GenerationRequest } from "./schema";
import { idempotent } from "../idempotency/middleware";
import { NextCursor, PageQuery, pageAsk } from "../cursor";

const noSuchGeneration = errorResponse("No such generation for this visitor.");

const Queued = z
  .object({
    generationId: z.string(),
    status: z.literal("queued"),
    webhookSecret: z.string().optional().openapi({
      description:
        "With `webhookUrl`: the secret that signs deliveries to it per Standard Webhooks (`whsec_<base64>`, the same for all of this visitor's generations). Verify each delivery with it, e.g. `new Webhook(webhookSecret).verify(body, headers)` of the `standardwebhooks` package.",
    }),
  })
  .openapi("GenerationQueued");

const start = createRoute(idempotent({
  method: "post",
  path: "/generations",
  tags: ["Generations"],
  summary: "Text in, MP4 out, in one call",
  description:
    "Opens a project, sends the prompt, exports what NemoVideo made and finishes, all driven by the visitor's Durable Object whether or not anybody watches. Follow it with `GET /generations/{id}/events`, or give a `webhookUrl` to be told. A visitor may have three generations queued or running at once.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { body: { content: { "application/json": { schema: GenerationRequest } }, required: true } },
  responses: {
    202: { content: { "application/json": { schema: Queued } }, description: "Queued." },
    400: errorResponse("No prompt, or a bad webhookUrl."),
    401: unauthorized,
    429: errorResponse("Three generations of this visitor are already queued or running."),
  },
}));

const list = createRoute({
  method: "get",
  path: "/generations",
  tags: ["Generations"],
  summary: "The visitor's generations, newest first",
  security,
  middleware: [smallBody, requireVisitor],
  request: { query: PageQuery },
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ generations: z.array(Generation), nextCursor: NextCursor }) } },
      description: "A page of the generations.",
    },
    400: errorResponse("A limit outside 1–100, or an `after` this API did not give."),
    401: unauthorized,
  },
});

const read = createRoute({
  method: "get",
  path: "/generations/{id}",
  tags: ["Generations"],
  summary: "A generation: its step, the assistant's words, and the MP4 once completed",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: GenerationParams },
  responses: {
    200: { content: { "application/json": { schema: Generation } }, description: "The generation." },
    401: unauthorized,
    404: noSuchGeneration,
  },
});

const events = createRoute({
  method: "get",
  path: "/generations/{id}/events",
  tags: ["Generations"],
  summary: "Follow a generation live",
  description:
    "`status` events carry the whole generation (now, then at every step and export progress); `activity` and `text` carry the assistant's work and words as they come. The stream closes after `completed`, `failed` or `cancelled`.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: GenerationParams },
  responses: {
    200: { content: { "text/event-stream": { schema: GenerationEvent } }, description: "The generation's events." },
    401: unauthorized,
    404: noSuchGeneration,
  },
});

const edit = createRoute(idempotent({
  method: "post",
  path: "/generations/{id}/edit",
  tags: ["Generations"],
  summary: "Change a video in plain words",
  description:
    "A new generation in the project of the one named: the change is sent there as a message, and the result is exported as a new MP4 (the first stays as it was). Follow it like any generation. Refused with 409 while that project is busy with another generation.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: GenerationParams, body: { content: { "application/json": { schema: EditRequest } }, required: true } },
  responses: {
    202: { content: { "application/json": { schema: Queued } }, description: "The new generation, queued." },
    400: errorResponse("No change given, or a bad webhookUrl."),
    401: unauthorized,
    404: errorResponse("No such generation for this visitor, or its project has expired."),
    409: errorResponse("That video is still being made or changed."),
    429: errorResponse("Three generations of this visitor are already queued or running."),
  },
}));

const cancel = createRoute({
  method: "post",
  path: "/generations/{id}/cancel",
  tags: ["Generations"],
  summary: "Cancel a generation on its way",
  description:
    "Stops the generation: nothing more is done for it, and a render in progress is cancelled. A prompt already sent to NemoVideo can't be recalled: NemoVideo may still finish that turn in the project, but nothing is exported. A generation that has ended is answered as it is.",
  security,
  middleware: [smallBody, requireVisitor],
  request: { params: GenerationParams },
  responses: {
    200: { content: { "application/json": { schema: Generation } }, description: "The generation, cancelled." },
    401: unauthorized,
    404: noSuchGeneration,
  },
});

/** The 202's body: the new generation's id, and with a webhook the secret that signs its deliveries. */
async function queued(c: { var: AppEnv["Variables"] }, generationId: string, webhookUrl?: string) {
  const { visitorId } = c.var.visitor;
  const secret = webhookUrl ? await webhookSecret(visitorId, secretOf(c.var.config)) : undefined;
  return { generationId, status: "queued" as const, ...(secret ? { webhookSecret: secret } : {}) };
}

export const generations = createRouter()
  .openapi(start, async (c) => {
    const request = c.req.valid("json");
    const { visitorId, stub, network } = c.var.visitor;
    if (request.webhookUrl) checkOutbound("webhookUrl", request.webhookUrl, c.var.config.localDevelopment);
    const record = settle(await stub.generationStart(visitorId, new URL(c.req.url).origin, request, network));
    return c.json(await queued(c, record.generationId, request.webhookUrl), 202);
  })
  .openapi(edit, async (c) => {
    const request = c.req.valid("json");
    const { visitorId, stub, network } = c.var.visitor;
    if (request.webhookUrl) checkOutbound("webhookUrl", request.webhookUrl, c.var.config.localDevelopment);
    const origin = new URL(c.req.url).origin;
    const record = settle(await stub.generationEdit(visitorId, origin, c.req.valid("param").id, request, network));
    return c.json(await queued(c, record.generationId, request.webhookUrl), 202);
  })
  .openapi(list, async (c) => {
    const { generations, nextCursor } = settle(await c.var.visitor.stub.generationList(pageAsk(c.req.valid("query"))));
    return c.json({ generations: await Promise.all(generations.map((record) => signedView(c, record))), nextCursor }, 200);
  })
  .openapi(read, async (c) => {
    const record = settle(await c.var.visitor.stub.generationRead(c.req.valid("param").id));
    return c.json(await signedView(c, record), 200);
  })
  .openapi(events, async (c) => sseResponse(settle(await c.var.visitor.stub.generationFollow(c.req.valid("param").id))) as never)
  .openapi(cancel, async (c) => {
    const record = settle(await c.var.visitor.stub.generationCancel(c.req.valid("param").id));
    return c.json(await signedView(c, record), 200);
  });
