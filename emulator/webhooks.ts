import { Hono } from "hono";
import { z } from "zod";
import { now } from "./clock";
import type { AppEnv } from "./types";

/**
 * A stand-in webhook receiver (not part of NemoVideo): PromptReel's generations can be pointed at
 * `http://nemo.emulator/__emulator/webhooks`, which records every delivery and answers with the statuses queued
 * for it (200 when none are), so that retries and signatures can be checked without the internet.
 */
interface Delivery {
  at: number;
  headers: Record<string, string>;
  body: string;
  answered: number;
}

const deliveries: Delivery[] = [];
const queued: number[] = [];

export function resetWebhooks(): void {
  deliveries.length = 0;
  queued.length = 0;
}

const Statuses = z.object({ statuses: z.array(z.number().int().min(100).max(599)) }).strict();

export const webhookRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const answered = queued.shift() ?? 200;
    deliveries.push({ at: now(), headers: Object.fromEntries(c.req.raw.headers), body: await c.req.text(), answered });
    return c.json({ received: answered < 300 }, answered as 200);
  })
  .get("/", (c) => c.json({ deliveries }))
  .post("/statuses", async (c) => {
    const body = Statuses.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return c.json({ error: "invalid body", issues: body.error.issues }, 400);
    queued.push(...body.data.statuses);
    return c.json({ queued });
  });
