import type { Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import {
  type ActivatedClient,
  type ClientInfo,
  ErrorInfo,
  encodeBitmapUpdate,
  FastPathUpdateCode,
  type InputEvent,
  ProtocolError,
  packBitmapUpdates,
  RdpAcceptor,
} from '@rdshare/protocol';
import type { AttendeeGraphics } from './graphics/attendee-graphics.js';
import { bitmapDataOf } from './graphics/bitmap-tile-encoder.js';
import type { EncodedTile } from './graphics/encoded-tile-cache.js';
import type { SessionInternals } from './session-internals.js';

/** Why a connection ended, in the terms of ATTENDEE_DISCONNECT_REASON plus the log line. */
export interface ConnectionEnd {
  /** The attendee (client) left, as opposed to a failure or the host's decision. */
  byClient: boolean;
  reason: string;
  error?: Error;
}

/**
 * One viewer's connection: a socket (upgraded to TLS when the client asks), the protocol acceptor over it, and
 * once activated, its graphics stream and input. Everything that goes wrong here ends this connection only.
 */
export class AttendeeConnection {
  private stream: Socket;
  private readonly acceptor: RdpAcceptor;
  private ended = false;
  private graphics?: AttendeeGraphics;
  /** The client wants TS_CD_HEADER before compressed bitmaps (it did not announce NO_BITMAP_COMPRESSION_HDR). */
  private compressionHeader = false;
  /** Largest update the client reassembles. */
  private maxRequestSize = 0x3f80;
  private readonly drainListeners = new Set<() => void>();
  readonly peerAddress: string;
  /** Set by the session once the attendee is admitted and active. */
  onInput?: (events: InputEvent[]) => void;
  onRefresh?: (rects: { x: number; y: number; width: number; height: number }[]) => void;
  onSuppress?: (allow: boolean) => void;
  onActivated?: (client: ActivatedClient) => void;
  onEnd?: (end: ConnectionEnd) => void;
  clientInfo?: ClientInfo;

  constructor(
    private readonly socket: Socket,
    private readonly session: SessionInternals,
    private readonly secureContext: SecureContext,
    /** Decides on the Client Info PDU; returns an ErrorInfo code and a log reason to refuse. */
    authenticate: (info: ClientInfo) => { accept: true } | { accept: false; errorInfo: number; reason: string },
  ) {
    this.stream = socket;
    this.peerAddress = socket.remoteAddress ?? 'unknown';
    socket.setNoDelay(true);
    this.acceptor = new RdpAcceptor(
      {
        write: (bytes) => this.write(bytes),
        startTls: () => this.startTls(),
        authenticate: (info) => {
          this.clientInfo = info;
          return authenticate(info);
        },
        onActive: (client) => {
          this.compressionHeader = !client.capabilities.noBitmapCompressionHeader;
          this.maxRequestSize = client.capabilities.multifragmentMaxRequestSize;
          this.onActivated?.(client);
        },
        onInput: (events) => this.onInput?.(events),
        // TS_RECTANGLE16 bounds are inclusive.
        onRefreshRect: (rects) =>
          this.onRefresh?.(
            rects.map((r) => ({ x: r.left, y: r.top, width: r.right - r.left + 1, height: r.bottom - r.top + 1 })),
          ),
        onSuppressOutput: (allow) => this.onSuppress?.(allow),
        onClose: (reason, error) => this.end({ byClient: !error, reason, error }),
      },
      {
        crypto: session.crypto,
        width: session.width,
        height: session.height,
        security: {
          tls: true,
          rdp: session.enforceStrongEncryption
            ? undefined
            : { key: session.rsaKey, certificate: session.proprietaryCertificate },
        },
        maxColorDepth: session.colorDepth(),
      },
    );
    this.listen(socket);
    socket.on('close', () => this.acceptor.transportClosed('connection closed by the viewer'));
    socket.on('error', (error) => this.end({ byClient: false, reason: `socket error: ${error.message}`, error }));
  }

  private listen(stream: Socket): void {
    stream.on('data', (chunk: Buffer) => {
      if (this.ended) return;
      this.acceptor.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    stream.on('drain', () => {
      for (const l of this.drainListeners) l();
    });
  }

  private write(bytes: Uint8Array): void {
    if (this.ended || this.stream.destroyed) return;
    this.stream.write(bytes);
  }

  /** Upgrades the same TCP socket to TLS (the X.224 Connection Confirm was the last plain-text PDU). */
  private startTls(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.removeAllListeners('data');
      this.socket.removeAllListeners('drain');
      const tls = new TLSSocket(this.socket, { isServer: true, secureContext: this.secureContext });
      this.stream = tls;
      tls.once('secure', () => resolve());
      tls.once('error', (error) => {
        reject(error);
        this.end({ byClient: false, reason: `TLS handshake failed: ${error.message}`, error });
      });
      tls.on('close', () => this.acceptor.transportClosed('connection closed by the viewer'));
      this.listen(tls);
    });
  }

  /** The graphics sink side of this connection. */
  attachGraphics(graphics: AttendeeGraphics): void {
    this.graphics = graphics;
  }

  backlog(): number {
    return this.stream.writableLength;
  }

  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  /** Sends tiles as bitmap updates, each within the client's MultifragmentUpdate size. */
  sendTiles(tiles: EncodedTile[]): void {
    if (this.ended) return;
    const rects = tiles.map((t) => bitmapDataOf(t, this.compressionHeader));
    const groups = packBitmapUpdates(rects, this.maxRequestSize);
    this.acceptor.sendFastPath(groups.map((g) => ({ code: FastPathUpdateCode.BITMAP, data: encodeBitmapUpdate(g) })));
  }

  sendFastPath(updates: { code: number; data: Uint8Array }[]): void {
    if (!this.ended) this.acceptor.sendFastPath(updates);
  }

  /** Ends the connection from our side, telling the viewer why (Set Error Info) first. */
  disconnect(errorInfo: number = ErrorInfo.RPC_INITIATED_DISCONNECT, reason = 'disconnected by the sharer'): void {
    if (this.ended) return;
    try {
      this.acceptor.disconnect(errorInfo);
    } catch (error) {
      // The socket may be gone already; closing it is all that is left to do.
      this.session.logger.debug('disconnect notice not sent', { error: String(error) });
    }
    this.stream.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.end({ byClient: false, reason });
  }

  private end(end: ConnectionEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.graphics?.close();
    if (end.error && !(end.error instanceof ProtocolError)) this.socket.destroy();
    else if (!this.socket.destroyed) this.socket.end();
    this.onEnd?.(end);
  }
}
