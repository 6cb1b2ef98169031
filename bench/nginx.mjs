import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startProcess } from "./servers.mjs";

const NGINX = "/usr/sbin/nginx";

/** Debian's nginx, installed with apt-get when missing (as root); a sentence saying why not otherwise. */
function ensureNginx() {
  if (existsSync(NGINX)) return undefined;
  if (process.getuid?.() !== 0) return "nginx is not installed and this is not root: apt-get install nginx to compare";
  const install = () =>
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "nginx"], {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      stdio: "ignore",
      timeout: 180_000,
    });
  try {
    console.log("installing Debian's nginx for the comparison (apt-get install nginx) …");
    try {
      install();
    } catch {
      execFileSync("apt-get", ["update"], { stdio: "ignore", timeout: 180_000 });
      install();
    }
  } catch (error) {
    return `apt-get install nginx failed (${error.message.split("\n")[0]})`;
  }
  return existsSync(NGINX) ? undefined : "apt-get install nginx left no /usr/sbin/nginx";
}

/**
 * nginx as a plain reverse proxy in front of `upstreamPort` on `port`: one process, no buffering either way,
 * keep-alive connections upstream, no access log. Answers `{ server, url, version }`, or `{ skipped }` with the reason.
 */
export async function startNginx({ port, upstreamPort, dir }) {
  const skipped = ensureNginx();
  if (skipped) return { skipped };
  const prefix = join(dir, "nginx");
  mkdirSync(prefix, { recursive: true });
  writeFileSync(
    join(prefix, "nginx.conf"),
    `daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  upstream standin { server 127.0.0.1:${upstreamPort}; keepalive 256; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://standin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 60s;
    }
  }
}
`,
  );
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcess({
    name: "nginx",
    command: NGINX,
    args: ["-p", prefix, "-c", join(prefix, "nginx.conf"), "-e", join(prefix, "error.log")],
    ready: async () => (await fetch(`${url}/api/credits/balance/simple`)).ok,
  });
  const version = spawnSync(NGINX, ["-v"], { encoding: "utf8" }).stderr.trim().replace("nginx version: ", "");
  return { server, url, version };
}
