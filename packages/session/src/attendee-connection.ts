import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type SecureContext, TLSSocket } from 'node:tls';
import {
  AcceptorState,
  type ActivatedClient,
  type AuthenticationResult,
  type ClientInfo,
  type CryptoProvider,
  type DrawingOrder,
  ErrorInfo,
  encodeBitmapUpdate,
  encodeOrdersUpdates,
  FASTPATH_FRAGMENT_SAFE_SIZE,
  FastPathUpdateCode,
  type InputEvent,
  ProtocolError,
  packBitmapUpdates,
  RdpAcceptor,
  ROP3_SRCCOPY,
} from '@rdshare/protocol';
import { RdshareError } from './errors.js';
import { bitmapDataOf } from './graphics/bitmap-tile-encoder.js';
import { ClientBitmapCache, cachedBytes } from './graphics/client-bitmap-cache.js';
import type { EncodedTile } from './graphics/encoded-tile-cache.js';
import type { SurfaceMove } from './graphics/move-detector.js';
import { TILE_SIZE } from './graphics/tile-grid.js';
import type { Logger } from './logger.js';
import type { PeerAddress } from './peer-address.js';
import type { SessionIdentity } from './session-identity.js';
import { TrafficCounter } from './traffic-statistics.js';

/** Why a connection ended, in the terms of ATTENDEE_DISCONNECT_REASON plus the log line. */
export interface ConnectionEnd {
  /** The attendee (client) left, as opposed to a failure or the host's decision. */
  byClient: boolean;
  reason: string;
  error?: Error;
}

/** What a connection is set up with, fixed when it starts. */
export interface ConnectionSettings {
  readonly crypto: CryptoProvider;
  readonly identity: SessionIdentity;
  /** EnforceStrongEncryption: FIPS-approved TLS suites (the secure context's), or Standard RDP Security's FIPS method. */
  readonly enforceStrongEncryption: boolean;
  /** Serve 40- and 56-bit RC4 to clients that offer nothing stronger. */
  readonly allowWeakRc4: boolean;
  /** Desktop size announced to the client. */
  readonly width: number;
  readonly height: number;
  /** The session's ColorDepth: the most this client gets. */
  readonly maxColorDepth: number;
  readonly logger: Logger;
  /** The session's totals, which this connection's traffic adds to. */
  readonly sessionTraffic?: TrafficCounter;
  /** Bytes written and not yet taken by the viewer past which it is dropped (default {@link MAX_UNSENT_BYTES}). */
  readonly maxUnsentBytes?: number;
}

/** Decides on the Client Info PDU (WDS: WorkingDir = auth string, AlternateShell = password). */
export type Authenticator = (info: ClientInfo) => AuthenticationResult;

/** The revision 2 cell cache whose cells (4096 pixels) first hold a whole 64x64 tile. */
const TILE_CELL_CACHE = 2;
/** Cache indices stop below BITMAPCACHE_WAITING_LIST_INDEX (32767), which names the waiting list. */
const MAX_CACHE_INDEX = 32767;
/** What a cached tile takes on the client, at most: 64 x 64 pixels of 4 bytes. */
const MAX_TILE_BYTES = cachedBytes(TILE_SIZE, TILE_SIZE);
/** The most bitmap bytes a Cache Bitmap order carries (its orderLength is a 16-bit signed field). */
const MAX_CACHED_BITMAP_BYTES = 0x7fff - 16;

/**
 * The last resort against a viewer that stopped reading: every writer paces itself on the backlog (graphics stop at
 * a 256 KiB high-water mark, pointers keep only the newest shape, application channels queue at most 1 MiB), so a
 * connection this far behind has a writer nobody bounded, and the viewer goes rather than the sharer's memory.
 */
export const MAX_UNSENT_BYTES = 32 * 1024 * 1024;

/** How long a disconnect waits for the Set Error Info PDU to leave before the transport is destroyed. */
const DISCONNECT_LINGER_MS = 1000;

/**
 * Channel messages held while the client reactivates after a resize (the acceptor sends none then); past this
 * many the oldest go, so a stuck reactivation cannot grow memory.
 */
const MAX_HELD_CHANNEL_MESSAGES = 256;

/**
 * The smallest revision 2 cell cache whose cells hold a whole tile (cache 2: 4096 pixels, a 64x64 tile; the cell
 * size quadruples from 256 pixels at cache 0), given the client draws MemBlt at more than 8 bpp; a new, empty
 * model at every activation, so what the client keeps over a reactivation is never trusted.
 */
function tileCacheOf(client: ActivatedClient): { cacheId: number; model: ClientBitmapCache } | undefined {
  if (client.colorDepth <= 8) return undefined;
  const cells = client.capabilities.bitmapCacheCells;
  for (let cacheId = TILE_CELL_CACHE; cacheId < cells.length; cacheId++) {
    const entries = Math.min(cells[cacheId], MAX_CACHE_INDEX);
    // Slot 0 stays unused (see ClientBitmapCache): a cache needs two entries to hold one tile.
    if (entries < 2) continue;
    return { cacheId, model: new ClientBitmapCache({ slots: entries, bytes: entries * MAX_TILE_BYTES }) };
  }
  return undefined;
}

/**
 * One viewer's connection: a duplex byte stream (a TCP socket, a reverse-connect socket or a caller's transport
 * stream; upgraded to TLS when the client asks), the protocol acceptor over it, and once activated, its graphics
 * and input. Everything that goes wrong here ends this connection only.
 */
export class AttendeeConnection {
  private stream: Duplex;
  private readonly acceptor: RdpAcceptor;
  private ended = false;
  /** Set when the sharer ends the connection: the acceptor's close that follows reports this end, not its own. */
  private hostEnd?: ConnectionEnd;
  /** The client wants TS_CD_HEADER before compressed bitmaps (it did not announce NO_BITMAP_COMPRESSION_HDR). */
  private compressionHeader = false;
  /** Largest update the client reassembles (known once it is active). */
  private maxRequestSize = FASTPATH_FRAGMENT_SAFE_SIZE;
  /** The client draws ScrBlt orders (known once it is active). */
  private scrBlt = false;
  /** The client's revision 2 bitmap cache that tiles go through, when it draws MemBlt (known once it is active). */
  private tileCache?: { cacheId: number; model: ClientBitmapCache };
  private readonly drainListeners = new Set<() => void>();
  /** The desktop size the client should have; a resize asked for during a reactivation waits for its end. */
  private size: { width: number; height: number };
  /** Channel messages that came while the client was reactivating, sent once it is active again. */
  private held: { channel: string; data: Uint8Array }[] = [];
  /** Set by the session once the attendee is admitted and active. */
  onInput?: (events: InputEvent[]) => void;
  onRefresh?: (rects: { x: number; y: number; width: number; height: number }[]) => void;
  onSuppress?: (allow: boolean) => void;
  onActivated?: (client: ActivatedClient) => void;
  /** One reassembled message on a static virtual channel the session serves. */
  onChannelData?: (channel: string, data: Uint8Array) => void;
  onEnd?: (end: ConnectionEnd) => void;
  clientInfo?: ClientInfo;
  /** What this connection sent and received, counted as it writes and reads. */
  readonly traffic: TrafficCounter;

  constructor(
    private readonly transport: Duplex,
    readonly peer: PeerAddress,
    private readonly settings: ConnectionSettings,
    authenticate: Authenticator,
  ) {
    this.stream = transport;
    this.traffic = new TrafficCounter(settings.sessionTraffic);
    this.size = { width: settings.width, height: settings.height };
    if (transport instanceof Socket) transport.setNoDelay(true);
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
          this.scrBlt = client.capabilities.scrBlt;
          this.tileCache = tileCacheOf(client);
          // The size changed again while the client was reactivating: one more round before anything flows.
          if (client.width !== this.size.width || client.height !== this.size.height) {
            this.acceptor.resize(this.size.width, this.size.height);
            return;
          }
          for (const { channel, data } of this.held.splice(0)) this.acceptor.sendChannelData(channel, data);
          this.onActivated?.(client);
        },
        onInput: (events) => this.onInput?.(events),
        // TS_RECTANGLE16 bounds are inclusive.
        onRefreshRect: (rects) =>
          this.onRefresh?.(
            rects.map((r) => ({ x: r.left, y: r.top, width: r.right - r.left + 1, height: r.bottom - r.top + 1 })),
          ),
        onSuppressOutput: (allow) => this.onSuppress?.(allow),
        onChannelData: (channel, data) => this.onChannelData?.(channel, data),
        onClose: (reason, error) => this.end(this.hostEnd ?? { byClient: !error, reason, error }),
      },
      {
        crypto: settings.crypto,
        width: settings.width,
        height: settings.height,
        security: {
          tls: true,
          rdp: {
            key: settings.identity.rsaKey,
            certificate: settings.identity.proprietaryCertificate,
            fipsOnly: settings.enforceStrongEncryption,
            allowWeakRc4: settings.allowWeakRc4,
          },
        },
        maxColorDepth: settings.maxColorDepth,
      },
    );
    this.listen(transport);
    transport.on('close', () => this.acceptor.transportClosed('connection closed by the viewer'));
    transport.on('error', (error) => this.transportError(error));
  }

  /** A reset or broken pipe is the viewer going away (a disconnect); anything else is a failure. */
  private transportError(error: NodeJS.ErrnoException): void {
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
      this.end({ byClient: true, reason: `connection reset by the viewer (${error.code})` });
    } else {
      this.end({ byClient: false, reason: `connection error: ${error.message}`, error });
    }
  }

  private listen(stream: Duplex): void {
    stream.on('data', (chunk: Buffer) => {
      if (this.ended) return;
      this.traffic.received(chunk.byteLength);
      this.acceptor.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    stream.on('drain', () => {
      for (const l of this.drainListeners) l();
    });
  }

  private write(bytes: Uint8Array): void {
    if (this.ended || this.stream.destroyed) return;
    this.traffic.sent(bytes.byteLength);
    this.stream.write(bytes);
    const unsent = this.stream.writableLength;
    if (unsent <= (this.settings.maxUnsentBytes ?? MAX_UNSENT_BYTES)) return;
    const reason = `the viewer stopped reading: ${unsent} bytes unsent`;
    this.end({ byClient: false, reason, error: new RdshareError('CONNECTION_FAILED', reason) });
  }

  /** Upgrades the same transport to TLS (the X.224 Connection Confirm was the last plain-text PDU). */
  private startTls(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.transport.removeAllListeners('data');
      this.transport.removeAllListeners('drain');
      const tls = new TLSSocket(this.transport as Socket, {
        isServer: true,
        secureContext: this.settings.identity.secureContext as SecureContext,
      });
      this.stream = tls;
      // This listener is the handshake's only: once secure, errors are the connection's (a reset after
      // admission is a disconnect, not a failed handshake).
      const handshakeFailed = (error: Error) => {
        reject(error);
        this.end({ byClient: false, reason: `TLS handshake failed: ${error.message}`, error });
      };
      tls.once('error', handshakeFailed);
      tls.once('secure', () => {
        tls.off('error', handshakeFailed);
        tls.on('error', (error) => this.transportError(error));
        resolve();
      });
      tls.on('close', () => this.acceptor.transportClosed('connection closed by the viewer'));
      this.listen(tls);
    });
  }

  /** Bytes written but not yet handed to the transport. */
  backlog(): number {
    return this.stream.writableLength;
  }

  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  /**
   * Whether the client draws ScrBlt orders: scrolls, pans and moved windows then reach it as screen-to-screen
   * copies, as they reach graphics-pipeline clients as surface copies, instead of as their pixels.
   */
  get copiesSurface(): boolean {
    return this.scrBlt;
  }

  /**
   * Sends `copies` as ScrBlt orders (only when {@link copiesSurface}), then `tiles`: from the client's bitmap
   * cache where it holds their content (a MemBlt order), else as a Cache Bitmap order that keeps them there and a
   * MemBlt, or as bitmap updates for a client without a cache; each update within its MultifragmentUpdate size.
   * The client applies them in that order.
   */
  sendTiles(tiles: EncodedTile[], copies: readonly SurfaceMove[] = []): void {
    if (this.ended) return;
    const orders: DrawingOrder[] = [];
    if (this.scrBlt) {
      for (const { src, dest } of copies) {
        orders.push({
          type: 'scrBlt',
          left: dest.x,
          top: dest.y,
          width: src.width,
          height: src.height,
          rop: ROP3_SRCCOPY,
          xSrc: src.x,
          ySrc: src.y,
        });
      }
    }
    const bitmaps = [];
    for (const tile of tiles) {
      const cached = this.fromCache(tile);
      if (cached) orders.push(...cached);
      else bitmaps.push(bitmapDataOf(tile, this.compressionHeader));
    }
    const updates = [
      ...encodeOrdersUpdates(orders, this.maxRequestSize).map((data) => ({ code: FastPathUpdateCode.ORDERS, data })),
      ...packBitmapUpdates(bitmaps, this.maxRequestSize).map((g) => ({
        code: FastPathUpdateCode.BITMAP,
        data: encodeBitmapUpdate(g),
      })),
    ];
    if (updates.length === 0) return;
    this.traffic.frame();
    this.guard('sending graphics', () => this.acceptor.sendFastPath(updates));
  }

  /** The orders that draw `tile` from the client's bitmap cache, caching it first when the client lacks it. */
  private fromCache(tile: EncodedTile): DrawingOrder[] | undefined {
    const cache = this.tileCache;
    if (!cache || tile.cacheKey === undefined || tile.data.byteLength > MAX_CACHED_BITMAP_BYTES) return undefined;
    const { rect } = tile;
    const bytes = cachedBytes(tile.width, rect.height);
    const draw = (cacheIndex: number): DrawingOrder => ({
      type: 'memBlt',
      cacheId: cache.cacheId,
      colorIndex: 0,
      left: rect.x,
      top: rect.y,
      width: rect.width,
      height: rect.height,
      rop: ROP3_SRCCOPY,
      xSrc: 0,
      ySrc: 0,
      cacheIndex,
    });
    const held = cache.model.lookup(tile.cacheKey, bytes);
    if (held !== undefined) return [draw(held)];
    const stored = cache.model.store(tile.cacheKey, bytes);
    if (!stored) return undefined;
    const store: DrawingOrder = {
      type: 'cacheBitmapRev2',
      cacheId: cache.cacheId,
      cacheIndex: stored.slot,
      bitsPerPixel: tile.bitsPerPixel,
      width: tile.width,
      height: rect.height,
      compressed: true,
      data: tile.data,
    };
    return [store, draw(stored.slot)];
  }

  /** Sends fast-path updates; while the client reactivates they are dropped (it gets a fresh state after). */
  sendFastPath(updates: { code: number; data: Uint8Array }[]): void {
    if (this.active() && updates.length > 0) this.guard('sending updates', () => this.acceptor.sendFastPath(updates));
  }

  /**
   * Runs a send that the protocol layer may refuse (an update it cannot frame, a state it cannot send in): such a
   * failure ends this connection with an error and a log line, it never escapes into the shared graphics pump.
   */
  private guard(what: string, send: () => void): void {
    try {
      send();
    } catch (error) {
      this.abort(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Sends one message on a static virtual channel the client joined (held while it reactivates). */
  sendChannelData(channel: string, data: Uint8Array): void {
    if (this.ended) return;
    if (this.active()) {
      this.acceptor.sendChannelData(channel, data);
      return;
    }
    if (this.held.length >= MAX_HELD_CHANNEL_MESSAGES) {
      this.held.shift();
      this.settings.logger.warn('channel message dropped during reactivation', { channel });
    }
    this.held.push({ channel, data });
  }

  /**
   * Gives the client a new desktop size through a Deactivation-Reactivation Sequence; `onActivated` follows when
   * it is active again. A resize during a reactivation is applied when that one ends.
   */
  resize(width: number, height: number): void {
    this.size = { width, height };
    if (this.active()) this.acceptor.resize(width, height);
  }

  private active(): boolean {
    return !this.ended && this.acceptor.state === AcceptorState.ACTIVE;
  }

  /** Whether the client joined the static virtual channel called `channel`. */
  hasChannel(channel: string): boolean {
    return this.acceptor.hasChannel(channel);
  }

  /**
   * Ends the connection from our side, telling the viewer why (Set Error Info) first. `error` says the viewer
   * caused it (bad input the session found), so the end counts as a failure rather than the sharer's choice.
   */
  disconnect(
    errorInfo: number = ErrorInfo.RPC_INITIATED_DISCONNECT,
    reason = 'disconnected by the sharer',
    error?: Error,
  ): void {
    if (this.ended) return;
    this.hostEnd = { byClient: false, reason, error };
    try {
      this.acceptor.disconnect(errorInfo);
    } catch (error) {
      // The transport may be gone already; closing it is all that is left to do.
      this.settings.logger.debug('disconnect notice not sent', { error: String(error) });
    }
    this.stream.end();
    setTimeout(() => this.transport.destroy(), DISCONNECT_LINGER_MS).unref();
    this.end(this.hostEnd);
  }

  /** Ends the connection at once, without a word to the viewer (e.g. a handshake that took too long). */
  abort(reason: string): void {
    this.end({ byClient: false, reason, error: new Error(reason) });
  }

  private end(end: ConnectionEnd): void {
    if (this.ended) return;
    this.ended = true;
    if (end.error && !(end.error instanceof ProtocolError)) this.transport.destroy();
    // End the TLS stream, not the socket under it: TLS encrypts behind the socket, and ending the socket first
    // drops the last records (a disconnect's Set Error Info and Disconnect Provider Ultimatum) on the floor.
    else if (!this.transport.destroyed) this.stream.end();
    this.onEnd?.(end);
  }
}
