import ipaddr from "ipaddr.js";
import type { Bindings } from "./config";
import { AppError } from "./errors";

/** Names that only mean something inside a network: never a place a public service should send to. */
const INSIDE_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|localdomain|corp)$/;
/** The emulator's own host in `npm start` and the tests (its stand-in webhook receiver). */
const EMULATOR = /(^|\.)emulator$/;

/**
 * Where this deployment may send a request on someone's say-so (a webhook, a file NemoVideo is asked to fetch):
 * a public https address, or undefined when it may; else why not. Addresses are read as the URL standard reads
 * them, so `2130706433`, `0x7f.1` and `[::ffff:127.0.0.1]` are the loopback they spell; only global unicast
 * addresses pass (no private, loopback, link-local, CGNAT, ULA, reserved, or IPv4 hidden in IPv6), and no names
 * that only mean something inside a network. In local development (`local`), http to this machine and the
 * emulator is allowed too.
 * @example refusalOf("https://169.254.169.254/latest/meta-data", false) // "it points inside a private network"
 */
export function refusalOf(address: string, local: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return "it is not a web address";
  }
  if (url.username || url.password) return "it carries a user name or password";
  const host = url.hostname.replace(/\.+$/, "").toLowerCase();
  const literal = host.replace(/^\[|\]$/g, "");
  const isIp = ipaddr.isValid(literal);
  const here = isIp ? rangeOf(literal) === "loopback" : host === "localhost" || EMULATOR.test(host);
  if (local && here) return url.protocol === "http:" || url.protocol === "https:" ? undefined : "it must use https";
  if (url.protocol !== "https:") return "it must use https";
  if (isIp) return rangeOf(literal) === "unicast" ? undefined : "it points inside a private network";
  if (!host.includes(".") || INSIDE_NAMES.test(host) || EMULATOR.test(host)) return "it names a host inside a private network";
  return undefined;
}

/** An address's range (ipaddr.js's names), IPv4 hidden in an IPv6 address read as the IPv4 it is. */
function rangeOf(literal: string): string {
  const address = ipaddr.parse(literal);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress())
    return (address as ipaddr.IPv6).toIPv4Address().range();
  return address.range();
}

/**
 * `refusalOf` as an answer: a 400 in our error shape, naming what was refused and why.
 * @example checkOutbound("webhookUrl", "http://10.0.0.1/hook", false) // throws AppError invalid_request
 */
export function checkOutbound(what: string, address: string, local: boolean): void {
  const refusal = refusalOf(address, local);
  if (refusal) throw new AppError("invalid_request", `The ${what} was refused: ${refusal}. Give a public https address.`);
}

/**
 * Fetch for addresses that are not NemoVideo's API (webhook receivers). In `npm start` and the tests, addresses
 * on the emulator's host (its stand-in webhook receiver, see emulator/README.md) go through its binding.
 */
export function outboundFetch(env: Bindings): (request: Request) => Promise<Response> {
  const emulator = env.NEMO_EMULATOR;
  return (request) =>
    emulator && EMULATOR.test(new URL(request.url).hostname) ? emulator.fetch(request) : fetch(request);
}
