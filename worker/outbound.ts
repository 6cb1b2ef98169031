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
 * addresses pass (no private, loopback, link-local, CGNAT, ULA, reserved, nor any IPv4 that is not global carried
 * inside IPv6), and no names that only mean something inside a network. In local development (`local`), http to
 * this machine and the emulator is allowed too.
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
  const ip = ipaddr.isValid(literal) ? ipaddr.process(literal) : undefined;
  const here = ip ? ip.range() === "loopback" : host === "localhost" || EMULATOR.test(host);
  if (local && here) return url.protocol === "http:" || url.protocol === "https:" ? undefined : "it must use https";
  if (url.protocol !== "https:") return "it must use https";
  if (ip) return addressRefusal(ip);
  if (!host.includes(".") || INSIDE_NAMES.test(host) || EMULATOR.test(host)) return "it names a host inside a private network";
  return undefined;
}

const INSIDE = "it points inside a private network";
const v4 = (high: number, low: number) => ipaddr.fromByteArray([high >> 8, high & 0xff, low >> 8, low & 0xff]) as ipaddr.IPv4;
const within = (address: ipaddr.IPv6, cidr: string) => address.match(ipaddr.IPv6.parseCIDR(cidr));

/**
 * The IPv4 addresses an IPv6 address carries, in every spelling that puts one inside but the mapped one, which is
 * read as its IPv4 before (RFC 4291 compatible, RFC 6145 translated, RFC 6052 NAT64, RFC 3056 6to4, RFC 4380 Teredo's server and its client, whose bits
 * are inverted, RFC 5214 ISATAP), and whether it is such a spelling at all.
 */
function carriedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] | undefined {
  const p = address.parts;
  const last = v4(p[6], p[7]);
  if (within(address, "::/96") || within(address, "::ffff:0:0:0/96")) return [last];
  if (within(address, "64:ff9b::/96")) return [last];
  if (within(address, "2002::/16")) return [v4(p[1], p[2])];
  if (within(address, "2001::/32")) return [v4(p[2], p[3]), v4(p[6] ^ 0xffff, p[7] ^ 0xffff)];
  if ((p[4] & 0xfdff) === 0 && p[5] === 0x5efe) return [last];
  return undefined;
}

/**
 * Why an address literal is not a place to send to, or undefined (an IPv4-mapped address has been read as the
 * IPv4 it is). IPv6 that carries an IPv4 is refused when that IPv4 is not global, and the transition spellings
 * (compatible, translated, NAT64, 6to4, Teredo, ISATAP) are refused whatever they carry: no public receiver needs
 * one, and each may be routed somewhere of its own. The local NAT64 prefix (64:ff9b:1::/48) is inside by definition.
 */
function addressRefusal(ip: ipaddr.IPv4 | ipaddr.IPv6): string | undefined {
  if (ip.kind() === "ipv4") return ip.range() === "unicast" ? undefined : INSIDE;
  const v6 = ip as ipaddr.IPv6;
  if (within(v6, "64:ff9b:1::/48")) return INSIDE;
  const carried = carriedIPv4(v6);
  if (!carried) return v6.range() === "unicast" ? undefined : INSIDE;
  if (carried.some((each) => each.range() !== "unicast")) return INSIDE;
  return "it spells an IPv4 address inside IPv6: give the IPv4 address itself";
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
