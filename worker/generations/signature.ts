import { Webhook } from "standardwebhooks";

/**
 * The Standard Webhooks headers of a delivery: `webhook-id` (the same on every attempt, so that a receiver can
 * ignore a repeat), `webhook-timestamp` (Unix seconds, now) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of
 * "<id>.<timestamp>.<body>">` keyed by the bytes of `whsec_<base64>`), signed with the `standardwebhooks` package,
 * the one a receiver verifies with.
 * @example standardHeaders("gen_0123456789abcdef", '{"type":"generation.completed",…}', "whsec_…")
 */
export function standardHeaders(id: string, body: string, secret: string, now = new Date()): Record<string, string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, now, body),
  };
}
