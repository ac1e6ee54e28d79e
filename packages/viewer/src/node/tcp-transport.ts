import { connect as netConnect } from 'node:net';
import type { TicketAddress } from '@rdshare/protocol';
import type { ViewerConnection, ViewerTransport } from '../viewer-transport.js';
import { StreamConnection } from './stream-connection.js';

export interface TcpTransportOptions {
  /** Gives up on an address after this long (default 10 s); the viewer then tries the next one. */
  connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * The viewer's transport over Node TCP, with the TLS upgrade RDP asks for after the X.224 negotiation. The TLS
 * certificate is not checked against a CA: a sharer's certificate is self-signed, and the viewer's trust anchor is
 * the invitation's KH2/KH, checked against the certificate's key by the connector.
 *
 * @example
 * const viewer = new RdpViewer({ crypto: nodeCryptoProvider(), transport: tcpTransport() });
 */
export function tcpTransport(options: TcpTransportOptions = {}): ViewerTransport {
  const timeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return {
    connect: (address) => connectTcp(address, timeout),
  };
}

function connectTcp(address: TicketAddress, timeoutMs: number): Promise<ViewerConnection> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address.address, port: address.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(new StreamConnection(socket));
    });
  });
}
