import { Duplex } from 'node:stream';
import type { ReadableStream, WritableStream } from 'node:stream/web';
import { invalidArgument } from './errors.js';

/** A web byte stream pair, as a WebSocketStream, a WebTransport bidirectional stream or a `TransformStream` gives. */
export interface WebTransportStream {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
}

/**
 * IRDPSRAPITransportStream in TypeScript terms: any duplex byte stream that carries one attendee's RDP
 * connection, either a Node `Duplex` (a socket, a TLS or WebSocket stream, an SSH channel, ...) or a web
 * readable/writable pair.
 */
export type TransportStream = Duplex | WebTransportStream;

const isFunction = (v: unknown): boolean => typeof v === 'function';

function isNodeDuplex(stream: object): stream is Duplex {
  const s = stream as Partial<Duplex>;
  return isFunction(s.on) && isFunction(s.write) && isFunction(s.end) && isFunction(s.destroy) && isFunction(s.pipe);
}

function isWebPair(stream: object): stream is WebTransportStream {
  const s = stream as Partial<WebTransportStream>;
  return isFunction(s.readable?.getReader) && isFunction(s.writable?.getWriter);
}

/**
 * @internal The Node `Duplex` a connection runs over: a Node stream as it is, a web pair adapted so that its
 * writer's backpressure reaches the connection's write backlog and closing either side ends both.
 * @throws {RdshareError} `INVALID_ARGUMENT` for anything else, or a web pair that is locked already.
 */
export function toDuplex(stream: TransportStream): Duplex {
  if (stream === null || typeof stream !== 'object') {
    throw invalidArgument('the transport stream must be a Node Duplex or a { readable, writable } web stream pair');
  }
  if (isNodeDuplex(stream)) {
    if (stream.destroyed) throw invalidArgument('the transport stream is destroyed already');
    return stream;
  }
  if (isWebPair(stream)) {
    if (stream.readable.locked || stream.writable.locked) {
      throw invalidArgument('the web transport stream is locked: it is being read or written elsewhere');
    }
    return Duplex.fromWeb(stream);
  }
  throw invalidArgument('the transport stream must be a Node Duplex or a { readable, writable } web stream pair');
}
