import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { config } from "./config";

/** The HTTP status that goes with each platform error code when `errorStatus` is "4xx". */
const STATUS_OF_CODE: Record<number, ContentfulStatusCode> = {
  1001: 401,
  1002: 404,
  2001: 402,
  4001: 415,
  4002: 413,
};

/** Platform success: `{"code":0,"message":"success","data":…}`. */
export const ok = (c: Context, data: unknown) => c.json({ code: 0, message: "success", data });

/** The body of a platform error envelope; `omitMessage` drops the sentence. */
export const errorBody = (code: number, message: string) =>
  config().omitMessage ? { code } : { code, message };

/** A platform error code (1001, 1002, 2001, 4001, 4002): HTTP 4xx, or 200 when `errorStatus` says so. */
export function fail(c: Context, code: number, message: string) {
  const status = config().errorStatus === "200" ? 200 : (STATUS_OF_CODE[code] ?? 400);
  return c.json(errorBody(code, message), status);
}

/** An error that is an HTTP status by nature (400, 402, 409, 429, 5xx): the envelope's code is the status. */
export const httpFail = (c: Context, status: ContentfulStatusCode, message: string) =>
  c.json(errorBody(status, message), status);

/** Render proxy success: `{"success":true,"data":…}`, or the data alone when `renderEnvelope` is "bare". */
export const renderOk = (c: Context, data: unknown) =>
  c.json(config().renderEnvelope === "bare" ? data : { success: true, data });

/** Render proxy failure: `{"success":false,"error":"…"}`, with a fitting 4xx or, if `renderErrorStatus` says so, 200. */
export const renderFail = (c: Context, status: ContentfulStatusCode, error: string) =>
  c.json({ success: false, error }, config().renderErrorStatus === "200" ? 200 : status);
