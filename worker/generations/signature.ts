/**
 * The Standard Webhooks headers of a delivery: `webhook-id` (the same on every attempt, so that a receiver can
 * ignore a repeat), `webhook-timestamp` (Unix seconds, now) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of
 * "<id>.<timestamp>.<body>">` keyed by the bytes of `whsec_<base64>`), signed with WebCrypto as the
 * `standardwebhooks` package signs (the tests verify every delivery with that package, the one a receiver uses).
 * @example await standardHeaders("gen_0123456789abcdef", '{"type":"generation.completed",…}', "whsec_…")
 */
export async function standardHeaders(id: string, body: string, secret: string, now = new Date()): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)));
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${btoa(String.fromCharCode(...mac))}` };
}
