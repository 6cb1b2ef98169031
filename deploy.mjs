// `npm run deploy`: refuses before anything is built or uploaded when the deployment could not serve safely, then
// builds and deploys. The Worker itself answers every request "not set up" without a proper secret; this says it
// sooner, on the operator's terminal.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MIN_SECRET_BYTES = 32;
const bin = (name) => join(import.meta.dirname, "node_modules", ".bin", name);

function refuse(reason) {
  console.error(`npm run deploy: not deploying. ${reason}`);
  process.exit(1);
}

const base = /^NEMO_API_BASE\s*=\s*"([^"]+)"/m.exec(readFileSync(join(import.meta.dirname, "wrangler.toml"), "utf8"))?.[1];
if (base && /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\]|[^/]*\.emulator)([:/]|$)/.test(base))
  refuse(`NEMO_API_BASE in wrangler.toml is ${base}, an address on this machine; a deployment talks to NemoVideo.`);

let secretsFile;
const secret = process.env.VISITOR_KEY_SECRET;
if (secret !== undefined) {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES)
    refuse(`VISITOR_KEY_SECRET is ${Buffer.byteLength(secret)} bytes; it must be at least ${MIN_SECRET_BYTES} (openssl rand -base64 48).`);
  // Uploaded with the version, never written anywhere but a private temporary file.
  const folder = mkdtempSync(join(tmpdir(), "promptreel-deploy-"));
  secretsFile = join(folder, "secrets.json");
  writeFileSync(secretsFile, JSON.stringify({ VISITOR_KEY_SECRET: secret }), { mode: 0o600 });
} else {
  const listed = spawnSync(bin("wrangler"), ["secret", "list", "--format", "json"], { encoding: "utf8" });
  if (listed.status !== 0)
    refuse("Could not check that VISITOR_KEY_SECRET is set (`wrangler secret list` failed). Log in, or give it as VISITOR_KEY_SECRET in the environment.");
  const names = JSON.parse(listed.stdout || "[]").map((each) => each.name);
  if (!names.includes("VISITOR_KEY_SECRET"))
    refuse(`VISITOR_KEY_SECRET is not set. Set one of at least ${MIN_SECRET_BYTES} bytes: openssl rand -base64 48 | npx wrangler secret put VISITOR_KEY_SECRET`);
}

const run = (command, args) => {
  const result = spawnSync(bin(command), args, { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
try {
  // The MCP player view, built into worker/mcp/view/page.gen.ts (committed; rebuilt so that it matches its sources).
  run("node", [join(import.meta.dirname, "worker/mcp/view/build.mjs")]);
  run("vite", ["build"]);
  run("wrangler", ["deploy", ...(secretsFile ? ["--secrets-file", secretsFile] : []), ...process.argv.slice(2)]);
} finally {
  if (secretsFile) rmSync(join(secretsFile, ".."), { recursive: true, force: true });
}
