import type { Duplex } from 'node:stream';
import { ViewerError } from '../errors.js';
import type { ViewerConnection, ViewerTransport } from '../viewer-transport.js';
import { StreamConnection } from './stream-connection.js';

/**
 * IRDPSRAPIViewer's `Properties.SetNetworkStream`: the viewer talks RDP over a byte stream the app provides (a
 * relay, an SSH channel, a WebSocket stream, one end of a sharer's `connectUsingTransportStream`) instead of
 * dialling the ticket's addresses. The stream serves one connection; TLS runs over it when negotiated.
 *
 * @example
 * const viewer = new RdpViewer({ crypto: nodeCryptoProvider(), transport: streamTransport(relaySocket) });
 * await viewer.connect(invitation, 'Ann', 'secret');
 */
export function streamTransport(stream: Duplex): ViewerTransport {
  if (!stream || typeof stream.write !== 'function' || typeof stream.on !== 'function')
    throw new ViewerError('INVALID_ARGUMENT', 'streamTransport needs a Node Duplex stream');
  let used = false;
  return {
    async connect(): Promise<ViewerConnection> {
      if (used) throw new ViewerError('INVALID_STATE', 'a network stream carries one connection; give a new one');
      if (stream.destroyed) throw new ViewerError('CONNECT_FAILED', 'the network stream is closed');
      used = true;
      return new StreamConnection(stream);
    },
  };
}
