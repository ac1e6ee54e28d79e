import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { claimDisplay, type Desktop, type DisplayClaim, H264Encoder, NativeError, openDisplay } from '@rdshare/native';
import { ErrorInfo, encodeConnectionString } from '@rdshare/protocol';
import { addressPrefix } from './address-prefix.js';
import { type Admission, type AdmissionVerdict, type Admit, authenticationResult } from './admission.js';
import { AttendeeConnection, type ConnectionSettings } from './attendee-connection.js';
import { type WiredAttendee, wireAttendee } from './attendee-wiring.js';
import { ADDRESS_FAMILY } from './constants.js';
import { RdshareError } from './errors.js';
import { GraphicsFanout } from './graphics/graphics-fanout.js';
import { PointerFanout } from './graphics/pointer-fanout.js';
import { SharedArea, type SharedRect } from './graphics/shared-rect.js';
import { type HandshakeLimits, PendingHandshakes } from './handshake-limits.js';
import type { InputArea } from './input-router.js';
import { ANY_IPV4, ANY_IPV6, ticketAddresses } from './listener-addresses.js';
import { type PeerAddress, peerOfSocket } from './peer-address.js';
import type { RateLimitedLog } from './rate-limited-log.js';
import type { SessionContext } from './session-context.js';
import { createSessionIdentity, type SessionIdentity } from './session-identity.js';
import type { TlsIdentity } from './tls-certificate.js';

/** How `open()` was asked to listen, present itself and bound unfinished handshakes. */
export interface OpenOptions {
  listenAddress?: string;
  tls?: TlsIdentity;
  limits: HandshakeLimits;
  /** Serve 40- and 56-bit RC4 to Standard RDP Security clients that offer nothing stronger. */
  allowWeakRc4: boolean;
  /** Whether scrolls and window moves are looked for and sent as surface copies. */
  surfaceCopies: boolean;
  /** Where refusals an attacker can provoke at will are logged, rate-limited. */
  log: RateLimitedLog;
}

/**
 * Everything that exists only while the session is open: the desktop, the identity (keys, certificates, key
 * hashes), the listener, the graphics and pointer fan-outs, and the live connections. Made by `start`, gone
 * after `close`; nothing in it is ever undefined.
 */
export class OpenSession {
  readonly graphics: GraphicsFanout;
  readonly pointer: PointerFanout;
  private readonly connections = new Set<AttendeeConnection>();
  private readonly pending: PendingHandshakes;
  private server?: Server;
  private closed = false;
  /** Set once the X server went away: nothing is shared any more, and nobody new is let in. */
  private lost?: Error;
  /** The part of the screen shared: what every client's desktop is. */
  private readonly shared: SharedArea;
  private readonly stopFollowingScreen: () => void;
  /** Where the listener is bound (the port resolved when `PortId` was 0). */
  listening = { address: '', port: 0 };

  private constructor(
    private readonly ctx: SessionContext,
    private readonly admission: Admission,
    private readonly claim: DisplayClaim,
    readonly desktop: Desktop,
    readonly identity: SessionIdentity,
    private readonly limits: HandshakeLimits,
    private readonly allowWeakRc4: boolean,
    private readonly log: RateLimitedLog,
    surfaceCopies: boolean,
  ) {
    this.pending = new PendingHandshakes(limits);
    const { source } = desktop;
    this.shared = new SharedArea({ width: source.width, height: source.height });
    this.graphics = new GraphicsFanout(
      source,
      () => ctx.properties.FrameCaptureIntervalInMs,
      // After the display is lost, captures in flight fail too: the loss was reported once already.
      (error, what) => this.lost || ctx.report(error, what),
      this.shared.area,
      () => ctx.applicationFilter.visibleRegion(),
      {
        create: (size, setup) => H264Encoder.create({ ...size, ...setup }),
        closed: (stats) => ctx.logger.info('H.264 encoder closed', stats),
      },
      surfaceCopies ? { windows: () => desktop.windows.list() } : undefined,
    );
    this.pointer = new PointerFanout(desktop.cursor, () => this.graphics.area);
    this.stopFollowingScreen = source.onResize((size) => {
      if (!this.shared.resizeScreen(size)) return;
      ctx.logger.info('display resized', { ...size });
      this.shareArea();
      ctx.sharedRectChanged(this.shared.rect);
    });
    ctx.applicationFilter.attach(desktop.windows);
    desktop.onLost((error) => this.displayLost(error));
  }

  /**
   * Claims the display (one session per X display, across processes), opens it, makes the identity and starts
   * listening; on failure releases what it took.
   */
  static async start(ctx: SessionContext, admission: Admission, options: OpenOptions): Promise<OpenSession> {
    const claim = displayCall(ctx.display, () => claimDisplay(ctx.display, `rdshare (pid ${process.pid})`));
    let desktop: Desktop | undefined;
    let open: OpenSession | undefined;
    try {
      const opened = displayCall(ctx.display, () => openDisplay(ctx.display));
      desktop = opened;
      const identity = identityCall(options.tls !== undefined, () =>
        createSessionIdentity(ctx.crypto, ctx.properties.EnforceStrongEncryption, options.tls),
      );
      // The constructor starts following the screen and its windows: more X requests that can fail.
      open = displayCall(
        ctx.display,
        () =>
          new OpenSession(
            ctx,
            admission,
            claim,
            opened,
            identity,
            options.limits,
            options.allowWeakRc4,
            options.log,
            options.surfaceCopies,
          ),
      );
      await open.listen(options.listenAddress);
      return open;
    } catch (error) {
      if (open) open.release();
      else {
        desktop?.close();
        claim.release();
      }
      throw error;
    }
  }

  /**
   * The X server went away: said once (log and `error$`), every attendee is told why and disconnected, and new
   * connections are refused with the same reason until the app closes the session.
   */
  private displayLost(error: Error): void {
    if (this.lost || this.closed) return;
    this.lost = error;
    this.ctx.logger.error('the shared display was lost; attendees are disconnected', {
      display: this.ctx.display,
      error: error.message,
    });
    this.ctx.hub.publish('error', {
      error: new RdshareError(
        'DISPLAY_LOST',
        `the X server of display ${this.ctx.display} went away: ${error.message}`,
        {
          cause: error,
        },
      ),
    });
    for (const c of [...this.connections]) c.disconnect(ErrorInfo.SERVER_DWM_CRASH, 'the shared display was lost');
    this.pointer.close();
    this.graphics.close();
  }

  private listen(listenAddress: string | undefined): Promise<void> {
    const { properties } = this.ctx;
    const family = properties.PortProtocol;
    const host = listenAddress ?? (family === ADDRESS_FAMILY.AF_INET ? ANY_IPV4 : ANY_IPV6);
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new RdshareError('LISTEN_FAILED', `cannot listen on ${host}:${properties.PortId}: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      server.listen({ port: properties.PortId, host, ipv6Only: family === ADDRESS_FAMILY.AF_INET6 }, () => {
        const addr = server.address() as AddressInfo;
        server.on('error', (error) => this.ctx.report(error, 'listener error'));
        this.listening = { address: host, port: addr.port };
        resolve();
      });
    });
  }

  /** The connection string (ticket) of an invitation: the listener's addresses and the key hashes. */
  connectionString(authString: string): string {
    const { address, port } = this.listening;
    return encodeConnectionString({
      ...this.identity.keyHashes,
      authString,
      addresses: ticketAddresses(address, port, this.ctx.properties.PortProtocol),
    });
  }

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.connect(socket, peerOfSocket(socket));
  }

  /**
   * Runs the RDP server side of a connection over any duplex byte stream: an accepted socket, a socket the
   * session dialled (reverse connect) or a caller's transport stream. `admit` decides on the client's Client
   * Info; by default the invitations do (a transport stream that is authenticated already passes its own). A
   * place under the invitation's limit is held from a successful verdict until activation or the end. The connection counts as pending until it is activated:
   * pending connections are capped globally and per network prefix, and each must be activated within the
   * handshake timeout; when a cap is reached the oldest pending connection gives way (see PendingHandshakes).
   */
  connect(
    stream: Duplex,
    peer: PeerAddress,
    admit: Admit = (info) => this.admission.decide(info, peer.address),
  ): AttendeeConnection {
    // Without a display nobody is admitted, but the viewer is told why (Set Error Info) at its Client Info.
    if (this.lost) admit = () => this.refuseForLostDisplay(peer);
    let admitted: Extract<AdmissionVerdict, { accept: true }> | undefined;
    let wired: WiredAttendee | undefined;
    const connection = new AttendeeConnection(stream, peer, this.connectionSettings(), (info) => {
      const verdict = admit(info);
      if (verdict.accept) {
        admitted?.reservation.release();
        admitted = verdict;
      }
      return authenticationResult(verdict);
    });
    const slot = this.pending.add(addressPrefix(peer.address), (reason) => {
      this.log.warn(reason, 'handshake evicted', { peer: peer.address, reason });
      connection.abort(`evicted for a newer connection: ${reason}`);
    });
    let pending = true;
    const settle = () => {
      if (!pending) return;
      pending = false;
      clearTimeout(deadline);
      slot.release();
      admitted?.reservation.release();
    };
    const deadline = setTimeout(() => {
      this.log.warn('handshake-timeout', 'handshake timed out', {
        peer: peer.address,
        timeoutMs: this.limits.handshakeTimeoutMs,
      });
      connection.abort(`no activation within ${this.limits.handshakeTimeoutMs} ms`);
    }, this.limits.handshakeTimeoutMs);
    deadline.unref();
    this.connections.add(connection);
    connection.onActivated = (client) => {
      if (wired) return wired.reactivated(client);
      if (!admitted || this.closed) return connection.disconnect();
      // Counted as connected before its reservation goes: the attendee limit never has a gap.
      wired = wireAttendee(this.ctx, this, connection, admitted.reservation.invitation, client, admitted.attendeeName);
      settle();
    };
    connection.onEnd = (end) => {
      settle();
      this.connections.delete(connection);
      if (wired) wired.ended(end);
      else if (end.error) {
        this.log.warn('handshake-failed', 'connection failed before admission', {
          peer: peer.address,
          reason: end.reason,
        });
      }
    };
    return connection;
  }

  private refuseForLostDisplay(peer: PeerAddress): AdmissionVerdict {
    this.log.warn('display-lost', 'attendee refused', { peer: peer.address, reason: 'display-lost' });
    return { accept: false, errorInfo: ErrorInfo.SERVER_DWM_CRASH, reason: 'display-lost' };
  }

  /** Where an attendee's input goes. */
  get input() {
    return this.desktop.input;
  }

  /** The part of the screen attendees see, in screen pixels. */
  sharedArea(): InputArea {
    return this.graphics.area;
  }

  /** GetDesktopSharedRect. */
  get sharedRect(): SharedRect {
    return this.shared.rect;
  }

  /** SetDesktopSharedRect: validated; @returns whether the shared area changed (attendees follow then). */
  setSharedRect(rect: SharedRect): boolean {
    if (!this.shared.set(rect)) return false;
    this.shareArea();
    return true;
  }

  /** Captures the new shared area and resizes every client to it, admitted or still connecting. */
  private shareArea(): void {
    const area = this.shared.area;
    this.graphics.resize(area);
    for (const c of this.connections) c.resize(area.width, area.height);
  }

  private connectionSettings(): ConnectionSettings {
    const { width, height } = this.graphics.area;
    return {
      crypto: this.ctx.crypto,
      identity: this.identity,
      enforceStrongEncryption: this.ctx.properties.EnforceStrongEncryption,
      allowWeakRc4: this.allowWeakRc4,
      width,
      height,
      maxColorDepth: this.ctx.colorDepth(),
      logger: this.ctx.logger,
      sessionTraffic: this.ctx.traffic,
    };
  }

  /** Disconnects everyone, stops listening and releases the display. */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of [...this.connections]) c.disconnect(ErrorInfo.RPC_INITIATED_DISCONNECT, 'session closed');
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.release();
  }

  private release(): void {
    this.closed = true;
    this.stopFollowingScreen();
    this.ctx.applicationFilter.detach();
    this.server?.close();
    this.pointer.close();
    this.graphics.close();
    // A lost display may refuse even its close; there is nothing left to release then.
    for (const release of [() => this.desktop.close(), () => this.claim.release()]) {
      try {
        release();
      } catch (error) {
        this.ctx.logger.debug('display release failed', { error: String(error) });
      }
    }
  }
}

/** The addon-loading codes of @rdshare/native: the addon is missing or broken, whatever the display. */
const ADDON_LOAD_CODES: ReadonlySet<string> = new Set([
  'ADDON_NOT_BUILT',
  'MISSING_LIBRARY',
  'ABI_MISMATCH',
  'LOAD_FAILED',
  'UNSUPPORTED_PLATFORM',
]);

/**
 * Runs a display call of @rdshare/native, turning its errors into the session's: another session's claim is
 * DISPLAY_IN_USE, an addon that does not load NATIVE_UNAVAILABLE, any other NativeError (no server, refused,
 * missing extension, X errors) DISPLAY_UNAVAILABLE. Other errors are not the display's and pass unchanged.
 */
function displayCall<T>(display: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (!(error instanceof NativeError)) throw error;
    if (error.code === 'DISPLAY_IN_USE') throw new RdshareError('DISPLAY_IN_USE', error.message, { cause: error });
    if (ADDON_LOAD_CODES.has(error.code)) {
      throw new RdshareError('NATIVE_UNAVAILABLE', error.message, { cause: error });
    }
    throw new RdshareError('DISPLAY_UNAVAILABLE', `cannot open display ${display}: ${error.message}`, {
      cause: error,
    });
  }
}

/**
 * Makes the session's identity. OpenSSL refuses a `tls` option that is not PEM or whose key is not the
 * certificate's (the caller's to fix); with none given, only the generated key or certificate can fail.
 */
function identityCall(supplied: boolean, make: () => SessionIdentity): SessionIdentity {
  try {
    return make();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RdshareError(
      'TLS_IDENTITY_FAILED',
      supplied
        ? `the tls option's certificate and key cannot be used (PEM, the key belonging to the certificate): ${reason}`
        : `cannot generate the session's key and self-signed certificate: ${reason}`,
      { cause: error },
    );
  }
}
