import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { type Desktop, openDisplay } from '@rdshare/native';
import {
  type ActivatedClient,
  type CryptoProvider,
  ErrorInfo,
  encodeConnectionString,
  encodeFastPathPointerUpdate,
  encodeProprietaryCertificate,
  encodeRsaPublicKey,
  invitationKeyHashes,
} from '@rdshare/protocol';
import { EventHub, type SessionEvents } from '@rdshare/rx';
import { Attendee, type AttendeeDisconnectInfo } from './attendee.js';
import { AttendeeConnection, type ConnectionEnd } from './attendee-connection.js';
import { AttendeeManager } from './attendee-manager.js';
import { AuthThrottle } from './auth-throttle.js';
import { ATTENDEE_DISCONNECT_REASON, ATTENDEE_FLAGS, CTRL_LEVEL } from './constants.js';
import { invalidArgument, RdshareError } from './errors.js';
import { AttendeeGraphics } from './graphics/attendee-graphics.js';
import { type BitmapCodecClass, bitmapCodecClassFor, bitmapTileEncoder } from './graphics/bitmap-tile-encoder.js';
import { DesktopCapture } from './graphics/desktop-capture.js';
import { EncodedTileCache } from './graphics/encoded-tile-cache.js';
import { PointerCacheSlots, PointerShapes } from './graphics/pointer-shapes.js';
import { InputRouter } from './input-router.js';
import type { Invitation } from './invitation.js';
import { InvitationManager } from './invitation-manager.js';
import { ticketAddresses } from './listener-addresses.js';
import { consoleLogger, type Logger } from './logger.js';
import { generateSessionKey, nodeCryptoProvider } from './node-crypto.js';
import type { SessionInternals } from './session-internals.js';
import { SessionProperties, type SessionPropertyValues } from './session-properties.js';
import { createSelfSignedCertificate, type TlsIdentity } from './tls-certificate.js';

/** The object types the session's events carry. */
export interface RdpSessionEventTypes {
  attendee: Attendee;
  disconnectInfo: AttendeeDisconnectInfo;
  application: unknown;
  window: unknown;
  channel: unknown;
}

export interface RdpSessionOptions {
  /** X display to share (`:N`); defaults to `DISPLAY`. */
  display?: string;
  /** Address to listen on; all interfaces (per `PortProtocol`) when omitted. */
  listenAddress?: string;
  /** Initial values for `properties`. */
  properties?: Partial<SessionPropertyValues>;
  /** A TLS certificate and key (PEM) to use instead of the one generated at `open()`. */
  tls?: TlsIdentity;
  logger?: Logger;
  /**
   * Slowing down of password guessing: after a failed authentication, a peer address waits `baseMs`, doubling
   * with each further failure up to `maxMs`, before its next connection is read. Default 250 ms up to 8 s.
   */
  authFailureDelay?: { baseMs: number; maxMs: number };
}

type State = 'new' | 'opening' | 'open' | 'closed';

interface PointerSender {
  shape(): void;
  position(x: number, y: number): void;
  /** Whether this attendee wants position updates now (it watches and does not steer). */
  wantsPosition(): boolean;
}

interface WatchState {
  graphics: AttendeeGraphics;
  watching: boolean;
}

/** Displays shared by a session of this process: Windows allows one RDPSession per desktop, so do we. */
const displaysInUse = new Set<string>();

const normalizeDisplay = (d: string) => d.replace(/\.0$/, '');

/**
 * A sharing session: IRDPSRAPISharingSession. One per shared desktop. `open()` starts listening; invitations
 * admit attendees, whose control level decides what they see and do; `close()` ends it for good.
 */
export class RdpSession {
  /** get_Properties. */
  readonly properties: SessionProperties;
  /** get_Invitations. */
  readonly invitations: InvitationManager;
  /** get_Attendees. */
  readonly attendees = new AttendeeManager();
  /** _IRDPSessionEvents as observables (`attendeeConnected$`, `controlLevelChangeRequest$`, ...). */
  readonly events: SessionEvents<RdpSessionEventTypes>;

  private readonly hub = new EventHub<RdpSessionEventTypes>();
  private readonly display: string;
  private readonly logger: Logger;
  private state: State = 'new';
  private server?: Server;
  private desktop?: Desktop;
  private capture?: DesktopCapture;
  private internals?: SessionInternals;
  private secureContext?: SecureContext;
  private keyHashes?: { kh: string; kh2: string };
  private listening?: { address: string; port: number };
  private readonly caches = new Map<BitmapCodecClass, EncodedTileCache>();
  private readonly connections = new Set<AttendeeConnection>();
  /** Each attendee's graphics stream and whether it counts as watching. */
  private readonly streams = new Map<Attendee, WatchState>();
  private readonly throttle: AuthThrottle;
  private readonly crypto: CryptoProvider = nodeCryptoProvider();
  private nextAttendeeId = 1;
  private depth: 15 | 16 | 24 | 32 = 32;
  private watchers = 0;
  private readonly pointer = new PointerShapes();
  /** Per attendee: sends the current pointer shape (after a cursor change) or position (after a move). */
  private readonly pointerSenders = new Map<Attendee, PointerSender>();
  private stopPointerTracking?: () => void;

  constructor(private readonly options: RdpSessionOptions = {}) {
    if (options === null || typeof options !== 'object') throw invalidArgument('RdpSession options must be an object');
    const display = options.display ?? process.env.DISPLAY;
    if (!display) throw invalidArgument('no display to share: pass { display: ":N" } or set DISPLAY');
    this.display = normalizeDisplay(display);
    this.logger = options.logger ?? consoleLogger();
    this.properties = new SessionProperties(options.properties);
    const delay = options.authFailureDelay ?? { baseMs: 250, maxMs: 8000 };
    if (!(delay.baseMs >= 0 && delay.maxMs >= delay.baseMs)) {
      throw invalidArgument('authFailureDelay needs 0 <= baseMs <= maxMs');
    }
    this.throttle = new AuthThrottle(delay.baseMs, delay.maxMs);
    this.invitations = new InvitationManager(
      (authString) => this.connectionString(authString),
      () => randomBytes(12).toString('base64url'),
      () => this.assertOpen(),
    );
    this.events = this.hub.events;
  }

  /** Open: takes the display, makes the session key and certificates, and starts listening. */
  async open(): Promise<void> {
    if (this.state === 'closed') throw new RdshareError('CLOSED', 'this session was closed; create a new RdpSession');
    if (this.state !== 'new') throw new RdshareError('ALREADY_OPEN', 'open() was called already');
    if (displaysInUse.has(this.display)) {
      throw new RdshareError(
        'DISPLAY_IN_USE',
        `display ${this.display} is already shared by another RdpSession in this process`,
      );
    }
    this.state = 'opening';
    displaysInUse.add(this.display);
    try {
      this.desktop = openDisplay(this.display);
      const key = generateSessionKey(2048);
      const tls = this.options.tls ?? createSelfSignedCertificate(key.privateKey, key.publicKey);
      this.secureContext = createSecureContext({ cert: tls.cert, key: tls.key });
      this.keyHashes = invitationKeyHashes(encodeRsaPublicKey(key.rsa), this.crypto);
      const source = this.desktop.source;
      this.internals = {
        crypto: this.crypto,
        rsaKey: key.rsa,
        proprietaryCertificate: encodeProprietaryCertificate(key.rsa, this.crypto),
        enforceStrongEncryption: this.properties.EnforceStrongEncryption,
        width: source.width,
        height: source.height,
        logger: this.logger,
        colorDepth: () => this.depth,
        channelNames: () => ['encomsp'],
      };
      this.capture = new DesktopCapture(
        source,
        () => this.properties.FrameCaptureIntervalInMs,
        (error) => this.report(error, 'capture failed'),
      );
      const { cursor } = this.desktop;
      this.pointer.update(cursor.current());
      cursor.onChange((image) => {
        if (this.pointer.update(image)) for (const p of this.pointerSenders.values()) p.shape();
      });
      this.listening = await this.listen();
      this.properties.locked = true;
      this.state = 'open';
      this.logger.info('session open', { display: this.display, ...this.listening });
    } catch (error) {
      this.release();
      this.state = 'new';
      if (error instanceof RdshareError) throw error;
      throw new RdshareError('LISTEN_FAILED', `could not open the session: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private listen(): Promise<{ address: string; port: number }> {
    const family = this.properties.PortProtocol;
    const host = this.options.listenAddress ?? (family === 2 ? '0.0.0.0' : '::');
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new RdshareError('LISTEN_FAILED', `cannot listen on ${host}:${this.properties.PortId}: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      server.listen({ port: this.properties.PortId, host, ipv6Only: family === 23 }, () => {
        const addr = server.address() as AddressInfo;
        server.on('error', (error) => this.report(error, 'listener error'));
        resolve({ address: host, port: addr.port });
      });
    });
  }

  /**
   * get_ColorDepth / put_ColorDepth: the highest colour depth attendees get (15, 16, 24 or 32 bits per pixel;
   * default 32, lossless planar). Viewers asking for more are given this depth; it applies to new connections.
   */
  get colorDepth(): 15 | 16 | 24 | 32 {
    return this.depth;
  }

  set colorDepth(depth: 15 | 16 | 24 | 32) {
    if (depth !== 15 && depth !== 16 && depth !== 24 && depth !== 32) {
      throw invalidArgument(`colorDepth must be 15, 16, 24 or 32, got ${String(depth)}`);
    }
    this.depth = depth;
  }

  /** The port the session listens on (useful with an ephemeral `PortId` of 0). */
  get port(): number {
    this.assertOpen();
    return this.listening!.port;
  }

  private connectionString(authString: string): string {
    const { address, port } = this.listening!;
    return encodeConnectionString({
      kh: this.keyHashes!.kh,
      kh2: this.keyHashes!.kh2,
      authString,
      addresses: ticketAddresses(address, port, this.properties.PortProtocol),
    });
  }

  private accept(socket: Socket): void {
    if (this.state !== 'open') {
      socket.destroy();
      return;
    }
    const internals = this.internals!;
    const peer = socket.remoteAddress ?? 'unknown';
    const delay = this.throttle.delayFor(peer);
    if (delay > 0) {
      // Hold a peer that recently failed to authenticate: its bytes are read only after the delay.
      socket.pause();
      setTimeout(() => socket.resume(), delay).unref();
    }
    let invitation: Invitation | undefined;
    const connection = new AttendeeConnection(socket, internals, this.secureContext!, (info) => {
      const result = this.invitations.admit(info.workingDir, info.alternateShell, (inv) => this.connectedWith(inv));
      if (typeof result === 'string') {
        this.throttle.recordFailure(peer);
        this.logger.warn('attendee refused', {
          peer,
          viewer: info.userName,
          reason: result,
          authString: info.workingDir,
        });
        const errorInfo =
          result === 'attendee-limit' ? ErrorInfo.SERVER_DENIED_CONNECTION : ErrorInfo.SERVER_INSUFFICIENT_PRIVILEGES;
        return { accept: false, errorInfo, reason: result };
      }
      this.throttle.recordSuccess(peer);
      invitation = result;
      return { accept: true };
    });
    this.connections.add(connection);
    let attendee: Attendee | undefined;
    connection.onActivated = (client) => {
      if (!invitation || this.state !== 'open') return connection.disconnect();
      // The acceptor reactivates after a desktop resize; that is the same attendee, whose screen is all stale.
      if (attendee) return this.streams.get(attendee)?.graphics.invalidate();
      attendee = this.admitAttendee(connection, socket, invitation, client);
    };
    connection.onEnd = (end) => {
      this.connections.delete(connection);
      if (attendee) this.removeAttendee(attendee, end);
      else if (end.error) this.logger.warn('connection failed before admission', { peer, reason: end.reason });
    };
  }

  private connectedWith(invitation: Invitation): number {
    let n = 0;
    for (const a of this.attendees) if (a.invitation === invitation) n++;
    return n;
  }

  private admitAttendee(
    connection: AttendeeConnection,
    socket: Socket,
    invitation: Invitation,
    client: ActivatedClient,
  ): Attendee {
    const codec = bitmapCodecClassFor(client.colorDepth);
    const graphics = new AttendeeGraphics(this.capture!.store, this.cacheFor(codec), connection);
    connection.attachGraphics(graphics);
    const input = new InputRouter(this.desktop!.input, () => ({
      x: 0,
      y: 0,
      width: this.internals!.width,
      height: this.internals!.height,
    }));
    const peerIp = socket.remoteAddress ?? '';
    let suppressed = false;
    const id = this.nextAttendeeId++;
    const watch: WatchState = { graphics, watching: false };
    const applyLevel = (level: CTRL_LEVEL) => {
      this.setWatching(watch, level !== CTRL_LEVEL.NONE && !suppressed);
      this.updatePointerTracking();
    };
    const attendee: Attendee = new Attendee(
      id,
      connection.clientInfo?.userName ?? '',
      invitation,
      {
        protocol: socket.remoteFamily === 'IPv6' ? 23 : 2,
        localIp: socket.localAddress ?? '',
        localPort: socket.localPort ?? 0,
        peerIp,
        peerPort: socket.remotePort ?? 0,
      },
      this.properties.DefaultAttendeeControlLevel,
      {
        applyControlLevel: (level) => {
          applyLevel(level);
          this.logger.info('control level changed', { attendee: id, level });
          this.hub.publish('attendeeUpdate', { attendee });
        },
        terminate: () => connection.disconnect(ErrorInfo.RPC_INITIATED_DISCONNECT, 'terminated by the sharer'),
      },
      peerIp === '127.0.0.1' || peerIp === '::1' || peerIp === '::ffff:127.0.0.1' ? ATTENDEE_FLAGS.LOCAL : 0,
    );
    connection.onInput = (events) => {
      if (attendee.controlLevel !== CTRL_LEVEL.INTERACTIVE) return;
      try {
        input.route(events);
      } catch (error) {
        this.logger.warn('input dropped', { attendee: id, error: String(error) });
      }
    };
    connection.onRefresh = (rects) => graphics.invalidate(rects);
    connection.onSuppress = (allow) => {
      suppressed = !allow;
      applyLevel(attendee.controlLevel);
      if (allow) graphics.invalidate();
    };
    this.attendees.add(attendee);
    this.streams.set(attendee, watch);
    this.pointerSenders.set(attendee, this.pointerSender(connection, client, attendee, watch));
    this.pointerSenders.get(attendee)!.shape();
    applyLevel(attendee.controlLevel);
    this.logger.info('attendee connected', {
      attendee: id,
      name: attendee.remoteName,
      peer: peerIp,
      colorDepth: client.colorDepth,
      security: client.securityLayer,
    });
    this.hub.publish('attendeeConnected', { attendee });
    return attendee;
  }

  /** Tracks how many attendees watch, so capture runs only while someone does. */
  private setWatching(watch: WatchState, watching: boolean): void {
    if (watch.watching === watching) return;
    watch.watching = watching;
    const { graphics } = watch;
    this.watchers += watching ? 1 : -1;
    const activation = this.capture!.setActive(this.watchers > 0);
    if (watching) {
      activation.then(
        () => graphics.setEnabled(true),
        (error) => this.report(error, 'capture failed'),
      );
    } else {
      graphics.setEnabled(false);
    }
  }

  /**
   * Pointer updates for one attendee: shapes through its client's pointer cache (a shape seen before goes as
   * a cached-pointer update), positions only to attendees that watch but do not steer (an interactive
   * attendee's own mouse is the source of those moves).
   */
  private pointerSender(
    connection: AttendeeConnection,
    client: ActivatedClient,
    attendee: Attendee,
    watch: WatchState,
  ): PointerSender {
    const slots = new PointerCacheSlots(
      client.capabilities.pointerCacheSize || client.capabilities.colorPointerCacheSize,
    );
    const large = client.capabilities.largePointerFlags !== 0;
    return {
      shape: () => {
        const serial = this.pointer.serial;
        if (serial === undefined) return;
        const { slot, hit } = slots.place(serial);
        const update = hit
          ? encodeFastPathPointerUpdate({ type: 'cached', cacheIndex: slot })
          : this.pointer.shapeUpdate(slot, large);
        if (update) connection.sendFastPath([update]);
        else slots.forget(slot);
      },
      wantsPosition: () => watch.watching && attendee.controlLevel !== CTRL_LEVEL.INTERACTIVE,
      position: (x, y) => connection.sendFastPath([encodeFastPathPointerUpdate({ type: 'position', x, y })]),
    };
  }

  /** Follows the pointer only while some attendee wants its position: nobody watching costs nothing. */
  private updatePointerTracking(): void {
    const wanted = [...this.pointerSenders.values()].some((p) => p.wantsPosition());
    if (wanted && !this.stopPointerTracking && this.desktop) {
      this.stopPointerTracking = this.desktop.cursor.onMove(({ x, y }) => {
        for (const p of this.pointerSenders.values()) if (p.wantsPosition()) p.position(x, y);
      });
    } else if (!wanted && this.stopPointerTracking) {
      this.stopPointerTracking();
      this.stopPointerTracking = undefined;
    }
  }

  private cacheFor(codec: BitmapCodecClass): EncodedTileCache {
    let cache = this.caches.get(codec);
    if (!cache) {
      cache = new EncodedTileCache(this.capture!.store, bitmapTileEncoder(codec));
      this.caches.set(codec, cache);
    }
    return cache;
  }

  private removeAttendee(attendee: Attendee, end: ConnectionEnd): void {
    if (!this.attendees.remove(attendee)) return;
    const watch = this.streams.get(attendee);
    this.streams.delete(attendee);
    this.pointerSenders.delete(attendee);
    if (watch) this.setWatching(watch, false);
    this.updatePointerTracking();
    const reason = end.byClient
      ? ATTENDEE_DISCONNECT_REASON.CLI
      : end.error
        ? ATTENDEE_DISCONNECT_REASON.ERR
        : ATTENDEE_DISCONNECT_REASON.APP;
    if (end.error) this.logger.warn('attendee connection failed', { attendee: attendee.id, reason: end.reason });
    else this.logger.info('attendee disconnected', { attendee: attendee.id, reason: end.reason });
    // Like Windows, closing the session raises no disconnect events for the attendees it drops.
    if (this.state === 'open') this.hub.publish('attendeeDisconnected', { info: { attendee, reason, code: 0 } });
  }

  /** Close: disconnects everyone, stops listening and releases the display. Final. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    for (const c of [...this.connections]) c.disconnect(ErrorInfo.RPC_INITIATED_DISCONNECT, 'session closed');
    if (wasOpen && this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.release();
    this.hub.complete();
  }

  private release(): void {
    this.stopPointerTracking?.();
    this.stopPointerTracking = undefined;
    this.server?.close();
    this.capture?.close();
    this.desktop?.close();
    this.desktop = undefined;
    displaysInUse.delete(this.display);
  }

  private assertOpen(): void {
    if (this.state !== 'open') {
      throw new RdshareError(
        this.state === 'closed' ? 'CLOSED' : 'NOT_OPEN',
        `the session is ${this.state === 'closed' ? 'closed' : 'not open'}; call open() first`,
      );
    }
  }

  private report(error: unknown, what: string): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.logger.error(what, { error: err.message });
    this.hub.publish('error', { error: err });
  }
}
