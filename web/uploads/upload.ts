import type { InferResponseType } from "hono/client";
import { MAX_FILE_BYTES, mediaKindOf } from "../../worker/nemo/formats";
import { ApiError, api, errorOf, ok } from "../api";
import { t } from "../i18n";
import { getKey } from "../storage";

/** NemoVideo's largest file (the default of the Worker's MAX_UPLOAD_BYTES): checked here before a byte is sent. */
export const MAX_BYTES = MAX_FILE_BYTES;
/** Larger files go up in parts (the resumable upload), each well under Cloudflare's 100 MB request limit. */
export const ONE_REQUEST_MAX_BYTES = 32 * 1024 * 1024;

/** What NemoVideo made of the files sent (the upload route's answer). */
type Uploaded = InferResponseType<(typeof api.sessions)[":id"]["uploads"]["$post"], 200>;

/** Why a file can't go up (format, then size), or undefined when it can; the formats are said with it (words.ts). */
export function refusal(file: { name: string; size: number }): ApiError | undefined {
  if (!mediaKindOf(file.name)) return new ApiError("unsupported_format", t.badFormat(file.name));
  if (file.size > MAX_BYTES) return new ApiError("file_too_large", t.tooLarge(file.name));
  return undefined;
}

/** One request with progress (fetch can't report upload progress; XMLHttpRequest can). */
function send(method: string, url: string, body: XMLHttpRequestBodyInit, onProgress: (bytes: number) => void) {
  return new Promise<unknown>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    const key = getKey();
    if (key) request.setRequestHeader("Authorization", `Bearer ${key}`);
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onerror = () => reject(new ApiError("network", "upload failed"));
    request.onload = () => {
      const response = new Response(request.responseText, { status: request.status });
      if (request.status >= 200 && request.status < 300) resolve(response.json());
      else errorOf(response).then(reject, reject);
    };
    request.send(body);
  });
}

/**
 * Sends a file to the session: one multipart request up to the part size, the resumable upload (parts, then
 * complete) above it. `onProgress` gets the fraction sent, 0 to 1.
 */
export async function uploadFile(sessionId: string, file: File, onProgress: (fraction: number) => void) {
  const base = `${location.origin}/api/v1`;
  if (file.size <= ONE_REQUEST_MAX_BYTES) {
    const form = new FormData();
    form.append("files", file, file.name);
    const answer = (await send("POST", `${base}/sessions/${sessionId}/uploads`, form, (bytes) =>
      onProgress(Math.min(1, bytes / file.size)),
    )) as Uploaded;
    return answer.files;
  }
  const upload = await ok(
    api.sessions[":id"].uploads.resumable.$post({ param: { id: sessionId }, json: { name: file.name, size: file.size } }),
  );
  let sent = upload.receivedParts.length * upload.partSize;
  for (let part = 1; part <= upload.partCount; part++) {
    if (upload.receivedParts.includes(part)) continue;
    const blob = file.slice((part - 1) * upload.partSize, part * upload.partSize);
    await send("PUT", `${base}/uploads/${upload.uploadId}/parts/${part}`, blob, (bytes) =>
      onProgress(Math.min(1, (sent + bytes) / file.size)),
    );
    sent += blob.size;
  }
  const done = await ok(api.uploads[":uploadId"].complete.$post({ param: { uploadId: upload.uploadId } }));
  return done.files;
}

/** Media by link: NemoVideo fetches it. */
export async function uploadUrls(sessionId: string, urls: string[]) {
  const bad = urls.find((url) => !mediaKindOf(new URL(url).pathname));
  if (bad) throw new ApiError("unsupported_format", t.badFormat(bad));
  // The route declares its bodies as plain OpenAPI (so large ones stream): the JSON form goes in `init`.
  const options = { headers: { "Content-Type": "application/json" }, init: { body: JSON.stringify({ urls }) } };
  return (await ok(api.sessions[":id"].uploads.$post({ param: { id: sessionId } }, options))).files;
}
