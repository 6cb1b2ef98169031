/// <reference path="../worker-configuration.d.ts" />
/**
 * Types for clients of the PromptReel API (`import type { … } from "promptreel/client"`): the API itself for Hono's
 * typed client (`hc<AppType>(…)`), and the shapes of its answers and events. Types only: importing this file puts
 * nothing of the Worker into a bundle. All of them come from the routes' zod schemas.
 */
import type { z } from "@hono/zod-openapi";
import type { Conversation, HistoryMessage, Message, TurnEvent } from "./chat/schema";
import type { Credits } from "./credits/schema";
import type { Export, ExportRequest, ExportStatus, JobError } from "./exports/schema";
import type { EditRequest, Generation, GenerationEvent, GenerationRequest, GenerationStatus } from "./generations/schema";
import type { AppType } from "./index";
import type { NewSession, SessionDetail, SessionSummary } from "./sessions/schema";
import type { UploadAnswer, UploadStatus } from "./uploads/schema";
import type { Share, Video } from "./videos/schema";

export type { AppType, Credits, EditRequest, Export, Generation, GenerationRequest, GenerationStatus, HistoryMessage, JobError, TurnEvent, Video };
export type ExportStatusName = z.infer<typeof ExportStatus>;
export type ExportOptions = z.infer<typeof ExportRequest>;
export type ChatMessage = z.infer<typeof Message>;
export type ConversationView = z.infer<typeof Conversation>;
export type GenerationStreamEvent = z.infer<typeof GenerationEvent>;
export type NewSessionOptions = z.infer<typeof NewSession>;
export type Session = z.infer<typeof SessionDetail>;
export type SessionListItem = z.infer<typeof SessionSummary>;
export type Uploaded = z.infer<typeof UploadAnswer>;
export type ResumableUpload = z.infer<typeof UploadStatus>;
export type ShareLink = z.infer<typeof Share>;
