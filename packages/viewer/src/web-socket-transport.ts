import { ViewerError } from './errors.js';
import type { ViewerConnection, ViewerTransport } from './viewer-transport.js';

/** The part of the WHATWG WebSocket the transport uses: browsers' own, or `ws`'s in Node. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** Makes a WebSocket for a URL (`globalThis.WebSocket` in browsers). */
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WebSocketTransportOptions {
  /** How to open the socket; defaults to the global `WebSocket` (browsers, Node 22+). */
  createWebSocket?: WebSocketFactory;
  /**
   * Bytes the socket may hold unsent (`bufferedAmount`) before the connection is given up as stalled (default
   * 1 MiB): input is small, so a sharer that stops reading would otherwise grow the browser's queue forever.
   */
  maxBufferedBytes?: number;
}

/** WebSocket readyState OPEN. */
const OPEN = 1;
/** RFC 6455 close code for a normal closure. */
const CLOSE_NORMAL = 1000;
/** RFC 6455 close code: the message would exceed what this side is willing to hold. */
const CLOSE_TOO_BIG = 1009;
const DEFAULT_MAX_BUFFERED = 1024 * 1024;

/**
 * Reaches a sharer's WebSocket listener (`RdpSession.listenWebSocket`) instead of dialling the ticket's TCP
 * addresses: the RDP byte stream travels in binary messages. There is no TLS inside the WebSocket, so the viewer
 * negotiates Standard RDP Security (RC4, the server key pinned against the ticket); use a `wss://` URL to
 * encrypt the WebSocket itself too. Runs in browsers; in Node pass `createWebSocket` (e.g. from `ws`).
 *
 * @example
 * ```ts
 * const viewer = new RdpViewer({
 *   crypto: scriptCryptoProvider(),
 *   transport: webSocketTransport(`ws://${location.host}/rdp`),
 * });
 * await viewer.connect(ticket, 'Ann', 'secret');
 * ```
 */
export function webSocketTransport(url: string, options: WebSocketTransportOptions = {}): ViewerTransport {
  if (typeof url !== 'string' || !/^wss?:\/\//i.test(url))
    throw new ViewerError('INVALID_ARGUMENT', `webSocketTransport needs a ws:// or wss:// URL, got ${String(url)}`);
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
  if (!Number.isInteger(maxBuffered) || maxBuffered < 1)
    throw new ViewerError('INVALID_ARGUMENT', `maxBufferedBytes must be a positive integer, got ${maxBuffered}`);
  const create = options.createWebSocket ?? globalWebSocket();
  return {
    connect: () =>
      new Promise<ViewerConnection>((resolve, reject) => {
        let ws: WebSocketLike;
        try {
          ws = create(url);
        } catch (error) {
          reject(new ViewerError('CONNECT_FAILED', `cannot open ${url}: ${String(error)}`));
          return;
        }
        ws.binaryType = 'arraybuffer';
        ws.onopen = () => resolve(new WebSocketConnection(ws, maxBuffered));
        ws.onclose = (event) =>
          reject(new ViewerError('CONNECT_FAILED', `the WebSocket ${url} closed (${event.code}) before opening`));
      }),
  };
}

function globalWebSocket(): WebSocketFactory {
  const Ctor = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  if (!Ctor)
    throw new ViewerError(
      'INVALID_ARGUMENT',
      'no global WebSocket here: pass createWebSocket (e.g. from the ws package)',
    );
  return (url) => new Ctor(url);
}

class WebSocketConnection implements ViewerConnection {
  private dataListener?: (bytes: Uint8Array) => void;
  private closeListener?: (error?: Error) => void;
  private ended = false;
  private failure?: Error;

  constructor(
    private readonly ws: WebSocketLike,
    private readonly maxBuffered: number,
  ) {
    ws.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) this.dataListener?.(new Uint8Array(event.data));
      else this.fail(new ViewerError('DISCONNECTED', 'the sharer sent a text message; RDP travels in binary'));
    };
    ws.onerror = () => {
      this.failure ??= new ViewerError('DISCONNECTED', 'the WebSocket failed');
    };
    ws.onclose = (event) => {
      if (!this.failure && event.code !== CLOSE_NORMAL)
        this.failure = new ViewerError('DISCONNECTED', `the WebSocket closed (${event.code} ${event.reason})`);
      this.finish();
    };
  }

  write(bytes: Uint8Array): void {
    if (this.ended || this.ws.readyState !== OPEN) return;
    if (this.ws.bufferedAmount + bytes.byteLength > this.maxBuffered) {
      this.fail(new ViewerError('DISCONNECTED', 'the sharer stopped reading: the WebSocket send queue is full'));
      return;
    }
    this.ws.send(bytes);
  }

  close(): void {
    this.ws.close(CLOSE_NORMAL);
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.dataListener = listener;
  }

  onClose(listener: (error?: Error) => void): void {
    this.closeListener = listener;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.ws.close(CLOSE_TOO_BIG);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.closeListener?.(this.failure);
  }
}
