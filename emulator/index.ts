import { Hono } from "hono";
import { authRoutes, requireUser } from "./auth";
import { bindEnv } from "./config";
import { controlRoutes } from "./control";
import { creditRoutes } from "./credits";
import { cdnRoutes } from "./files";
import { applyFaults } from "./faults";
import { logRequests } from "./log";
import { renderRoutes } from "./renders";
import { runRoutes } from "./run";
import { sessionRoutes } from "./sessions";
import { settleFirst } from "./settle";
import type { AppEnv } from "./types";
import { uploadRoutes } from "./uploads";

/**
 * The embedded NemoVideo emulator: the upstream API of PromptReel with every documented variant and fault,
 * for `npm start` and the tests. Never deployed with the product.
 */
const app = new Hono<AppEnv>();

app.use(async (c, next) => {
  bindEnv(c.env ?? {});
  await next();
});
app.use(logRequests);
app.get("/", (c) =>
  c.json({
    name: "nemovideo-emulator",
    about: "An emulator of NemoVideo's text-to-video API for PromptReel's local runs and tests. See emulator/README.md.",
    control: "/__emulator/{reset,config,faults,requests,tokens,uploads,users,users/credits,webhooks}",
  }),
);
app.route("/__emulator", controlRoutes);
app.use(applyFaults);
app.use(settleFirst);
app.route("/", cdnRoutes);
app.route("/", authRoutes);
app.use("/api/*", requireUser);
app.use("/run_sse", requireUser);
app.route("/", sessionRoutes);
app.route("/", creditRoutes);
app.route("/", runRoutes);
app.route("/", uploadRoutes);
app.route("/", renderRoutes);
app.notFound((c) => c.json({ code: 404, message: "not found" }, 404));

export default app;
