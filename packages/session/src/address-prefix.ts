import { isIP } from 'node:net';

/** IPv4 addresses one network hands out (a /24) count as one guesser. */
const IPV4_PREFIX_OCTETS = 3;
/** IPv6 hosts get a /64 each (RFC 4291 interface identifiers): 4 groups of 16 bits. */
const IPV6_PREFIX_GROUPS = 4;
const LOOPBACK_PREFIX = 'loopback';
const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** Expands an IPv6 address to its 8 groups of 16 bits. */
function ipv6Groups(address: string): number[] {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The network an address belongs to, as the unit that failed guesses are counted by: its /24 (IPv4) or /64
 * (IPv6). All of loopback (127/8, ::1) is one prefix: any local process can pick any of its addresses.
 */
export function addressPrefix(address: string): string {
  const bare = address.replace(/%.*$/, '');
  const mapped = IPV4_MAPPED.exec(bare);
  const ip = mapped ? mapped[1] : bare;
  const kind = isIP(ip);
  if (kind === 4) {
    if (ip.startsWith('127.')) return LOOPBACK_PREFIX;
    return `${ip.split('.').slice(0, IPV4_PREFIX_OCTETS).join('.')}.0/24`;
  }
  if (kind === 6) {
    const groups = ipv6Groups(ip);
    if (groups.every((g, i) => g === (i === 7 ? 1 : 0))) return LOOPBACK_PREFIX;
    return `${groups
      .slice(0, IPV6_PREFIX_GROUPS)
      .map((g) => g.toString(16))
      .join(':')}::/64`;
  }
  // Not an IP (a caller's transport stream): the whole string is its own prefix.
  return address;
}
