import type { Socket } from 'node:net';
import { ADDRESS_FAMILY } from './constants.js';

/** Both ends of an attendee's transport: IRDPSRAPITcpConnectionInfo's fields. */
export interface PeerAddress {
  /** ADDRESS_FAMILY: AF_INET, AF_INET6, or AF_UNSPEC for a transport that is not a socket. */
  family: ADDRESS_FAMILY;
  address: string;
  port: number;
  localAddress: string;
  localPort: number;
}

/** The addresses of an accepted (or dialled) TCP socket. */
export function peerOfSocket(socket: Socket): PeerAddress {
  return {
    family: socket.remoteFamily === 'IPv6' ? ADDRESS_FAMILY.AF_INET6 : ADDRESS_FAMILY.AF_INET,
    address: socket.remoteAddress ?? '',
    port: socket.remotePort ?? 0,
    localAddress: socket.localAddress ?? '',
    localPort: socket.localPort ?? 0,
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Whether the peer is this machine (RDPENCOMAPI_ATTENDEE_FLAGS LOCAL). */
export const isLoopback = (address: string): boolean => LOOPBACK.has(address);
