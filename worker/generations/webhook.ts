import { signWebhook } from "../signing";

/** Attempts in all (the first and five retries), 10 s apart at first, doubling: about 5 minutes end to end. */
export const WEBHOOK_ATTEMPTS = 6;
export const webhookRetryIn = (attempts: number, scale = 1) => Math.min(10 * 60_000, 10_000 * 2 ** (attempts - 1)) * scale;
const TIMEOUT_MS = 10_000;

/**
 * POSTs a finished generation to its webhook, signed with the visitor's webhook secret
 * (`PromptReel-Signature: t=…,v1=…`). Answers the receiver's HTTP status, or undefined when it could not be
 * reached. The delivery id lets a receiver ignore a repeat.
 */
export async function deliverWebhook(
  url: string,
  deliveryId: string,
  generation: { status: string },
  secret: string,
  send: (request: Request) => Promise<Response>,
): Promise<number | undefined> {
  const event = `generation.${generation.status}`;
  const body = JSON.stringify({ event, generation });
  const request = new Request(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "PromptReel-Webhook/1",
      "PromptReel-Event": event,
      "PromptReel-Delivery": deliveryId,
      "PromptReel-Signature": await signWebhook(body, secret),
    },
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  try {
    const response = await send(request);
    await response.body?.cancel();
    return response.status;
  } catch {
    return undefined;
  }
}
