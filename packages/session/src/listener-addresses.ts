import { networkInterfaces } from 'node:os';
import type { TicketAddress } from '@rdshare/protocol';

/**
 * The addresses to list in a ticket for a listener bound to `bound`: the address itself when it is specific,
 * every interface address of the allowed families for a wildcard. Loopback goes last: a remote viewer tries
 * the addresses in order, and a local one still finds it.
 */
export function ticketAddresses(bound: string, port: number, family: 0 | 2 | 23): TicketAddress[] {
  if (bound !== '0.0.0.0' && bound !== '::') return [{ port, address: bound }];
  const out: TicketAddress[] = [];
  const loopback: TicketAddress[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) {
      if (ni.family === 'IPv4' && family === 23) continue;
      if (ni.family === 'IPv6' && (family === 2 || bound === '0.0.0.0')) continue;
      const address = ni.family === 'IPv6' && ni.scopeid ? `${ni.address}%${ni.scopeid}` : ni.address;
      (ni.internal ? loopback : out).push({ port, address });
    }
  }
  return [...out, ...loopback];
}
