import { outboundFetch, refusalOf } from "../outbound";
import type { Scope } from "../scope";
import { secretOf, signWebhook, webhookSecret } from "../signing";
import { standardHeaders } from "./signature";
import type { GenerationTable, GenerationRow } from "./table";

/** Attempts in all (the first and five retries), 10 s apart at first, doubling: about 5 minutes end to end. */
export const WEBHOOK_ATTEMPTS = 6;
export const webhookRetryIn = (attempts: number, scale = 1) => Math.min(10 * 60_000, 10_000 * 2 ** (attempts - 1)) * scale;
const TIMEOUT_MS = 10_000;
const key = (id: string) => `webhook:${id}`;

/** Whether a receiver's HTTP status counts as delivered. */
export const delivered = (status?: number) => status !== undefined && status >= 200 && status < 300;

/**
 * Deliveries of finished generations to their webhooks, as the `webhook` step of the schedule: one attempt, then
 * retries with backoff, six attempts in all. `view` is the generation as the receiver gets it (absolute links).
 */
export class Webhooks {
  constructor(
    private readonly scope: Scope,
    private readonly table: GenerationTable,
    private readonly view: (row: GenerationRow) => Promise<{ status: string }>,
  ) {
    scope.schedule.define("webhook", { run: (id) => this.deliver(id) });
  }

  /** The generation has ended: deliver it now. */
  queue(id: string): Promise<void> {
    return this.scope.schedule.at(key(id), Date.now());
  }

  /** No delivery of this generation will be tried again. */
  cancel(id: string): Promise<void> {
    return this.scope.schedule.cancel(key(id));
  }

  private async deliver(id: string): Promise<void> {
    const { schedule, config, env } = this.scope;
    const row = this.table.find(id);
    if (!row?.webhookUrl || row.webhookStatus !== "pending") return schedule.cancel(key(id));
    const attempts = row.webhookAttempts + 1;
    const secrets = {
      standard: await webhookSecret(row.visitorId, secretOf(config)),
      legacy: await webhookSecret(row.visitorId, secretOf(config), "legacy"),
    };
    // Checked when asked for; checked again in case the configuration changed since.
    const status = refusalOf(row.webhookUrl, config.localDevelopment)
      ? undefined
      : await deliverWebhook(row.webhookUrl, id, await this.view(row), secrets, outboundFetch(env));
    const outcome = delivered(status) ? "delivered" : attempts >= WEBHOOK_ATTEMPTS ? "failed" : "pending";
    this.table.webhookAttempt(id, outcome, attempts, status);
    if (outcome === "pending") await schedule.at(key(id), Date.now() + webhookRetryIn(attempts, config.JOB_TIME_SCALE));
    else await schedule.cancel(key(id));
  }
}

/**
 * POSTs a finished generation to its webhook per Standard Webhooks: `{"type","timestamp","data"}` signed with the
 * visitor's webhook secret (`webhook-id`, the generation's id on every attempt; `webhook-timestamp`;
 * `webhook-signature`). The old `PromptReel-*` headers go too, for one release. Answers the receiver's HTTP status,
 * or undefined when it could not be reached.
 */
export async function deliverWebhook(
  url: string,
  deliveryId: string,
  generation: { status: string; completedAt?: number },
  secrets: { standard: string; legacy: string },
  send: (request: Request) => Promise<Response>,
): Promise<number | undefined> {
  const type = `generation.${generation.status}`;
  const body = JSON.stringify({ type, timestamp: new Date(generation.completedAt ?? Date.now()).toISOString(), data: generation });
  const request = new Request(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "PromptReel-Webhook/1",
      ...(await standardHeaders(deliveryId, body, secrets.standard)),
      "PromptReel-Event": type,
      "PromptReel-Delivery": deliveryId,
      "PromptReel-Signature": await signWebhook(body, secrets.legacy),
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
