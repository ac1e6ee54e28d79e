import { networkInterfaces } from 'node:os';
import type { TicketAddress } from '@rdshare/protocol';
import { ADDRESS_FAMILY } from './constants.js';

/** The wildcard addresses a listener binds to for every IPv4 or every IPv6 (and IPv4-mapped) interface. */
export const ANY_IPV4 = '0.0.0.0';
export const ANY_IPV6 = '::';

/**
 * The addresses to list in a ticket for a listener bound to `bound`: the address itself when it is specific,
 * every interface address of the allowed families for a wildcard. Loopback goes last: a remote viewer tries
 * the addresses in order, and a local one still finds it.
 */
export function ticketAddresses(bound: string, port: number, family: ADDRESS_FAMILY): TicketAddress[] {
  if (bound !== ANY_IPV4 && bound !== ANY_IPV6) return [{ port, address: bound }];
  const out: TicketAddress[] = [];
  const loopback: TicketAddress[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) {
      if (ni.family === 'IPv4' && family === ADDRESS_FAMILY.AF_INET6) continue;
      if (ni.family === 'IPv6' && (family === ADDRESS_FAMILY.AF_INET || bound === ANY_IPV4)) continue;
      const address = ni.family === 'IPv6' && ni.scopeid ? `${ni.address}%${ni.scopeid}` : ni.address;
      (ni.internal ? loopback : out).push({ port, address });
    }
  }
  return [...out, ...loopback];
}
