import ipaddr from "ipaddr.js";

/**
 * Who a request comes from, as broad as `bits` of IPv6 (one device or home LAN is a /64; one subscriber is usually
 * given a /56): an IPv6 address as its prefix, an IPv4 address as itself (a subscriber seldom has more than one;
 * a /24 is left alone, since it is often shared by unrelated customers of one provider), an IPv4-mapped IPv6 address
 * as the IPv4 it is. Undefined for anything that is not an address.
 * @example prefixOf("2001:db8:aa:bb12::1", 56) // "2001:db8:aa:bb00::/56"
 */
export function prefixOf(address: string | undefined, bits: 56 | 64): string | undefined {
  if (!address || !ipaddr.isValid(address)) return undefined;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const parts = v6.parts.slice(0, 4);
  if (bits === 56) parts[3] &= 0xff00;
  return `${parts.map((part) => part.toString(16)).join(":")}::/${bits}`;
}

/**
 * A client's network, the unit that shares the week's free accounts and the day's messages: one subscriber, so
 * the IPv4 address, or the IPv6 /56.
 * @example networkOf("::ffff:203.0.113.9") // "203.0.113.9"
 */
export const networkOf = (address: string | undefined) => prefixOf(address, 56);
