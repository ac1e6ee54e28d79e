import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { nodeCryptoProvider } from '@rdshare/protocol/node';
import { EventHub, type SessionEvents } from '@rdshare/rx';
import { Admission } from './admission.js';
import { ApplicationFilter } from './application-filter.js';
import { Attendee } from './attendee.js';
import { AttendeeManager } from './attendee-manager.js';
import type { AttendeeService } from './attendee-service.js';
import { ADDRESS_FAMILY, CTRL_LEVEL } from './constants.js';
import { controlChangeFlagsFor } from './control-level-flags.js';
import { EncomspService } from './encomsp-service.js';
import { invalidArgument, RdshareError } from './errors.js';
import { FrameBuffer } from './frame-buffer.js';
import type { SharedRect } from './graphics/shared-rect.js';
import { DEFAULT_GUESS_LIMITS, type GuessLimits, GuessThrottle } from './guess-throttle.js';
import { type HandshakeLimits, handshakeLimits } from './handshake-limits.js';
import type { Invitation } from './invitation.js';
import { InvitationManager } from './invitation-manager.js';
import { consoleLogger, type Logger } from './logger.js';
import { OpenSession } from './open-session.js';
import { peerOfSocket } from './peer-address.js';
import { RateLimitedLog } from './rate-limited-log.js';
import { dialFirst, REVERSE_CONNECT_TIMEOUT_MS, reverseConnectAddresses } from './reverse-connect.js';
import type { SessionContext } from './session-context.js';
import type { RdpSessionEventTypes } from './session-event-types.js';
import { lockProperties, SessionProperties, type SessionPropertyValues } from './session-properties.js';
import type { TlsIdentity } from './tls-certificate.js';
import { TrafficCounter, type TrafficStatistics } from './traffic-statistics.js';
import { type TransportStream, toDuplex } from './transport-stream.js';
import { VirtualChannelManager } from './virtual-channel-manager.js';
import { WebSocketListener, type WebSocketListenerOptions } from './websocket-listener.js';

export type { RdpSessionEventTypes } from './session-event-types.js';

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
   * Bounds on connections that have not finished their handshake: each must be activated within
   * `handshakeTimeoutMs` (default 10 s); at most `maxPendingHandshakes` (default 64) are in their handshake at
   * once, at most `maxPendingHandshakesPerPeer` (default 8) from one network (/24, /64, loopback).
   */
  limits?: Partial<HandshakeLimits>;
  /**
   * Password guessing budget, per invitation and per network: `burst` failed guesses (default 5), then one per
   * `refillMs` (default 12 s). Guesses beyond it are refused without being checked.
   */
  guessing?: Partial<GuessLimits>;
  /**
   * Serve 40- and 56-bit RC4 to Standard RDP Security viewers that offer nothing stronger (default false: they
   * are refused, since those key lengths are broken). Ignored with `EnforceStrongEncryption`.
   */
  allowWeakRc4?: boolean;
  /**
   * Find scrolls, panned views and dragged windows and send them as copies of what the viewer already shows
   * (default true): surface-to-surface copies to graphics-pipeline viewers, ScrBlt orders to bitmap-update viewers
   * whose client draws them. Off, they go as re-encoded pixels: more bytes, a little less sharer CPU.
   */
  surfaceCopies?: boolean;
}

/** The session's life: only an open session has an `OpenSession`, so nothing open-time is ever missing. */
type SessionState = { kind: 'new' } | { kind: 'opening' } | { kind: 'open'; open: OpenSession } | { kind: 'closed' };

/** ColorDepth values the sharer encodes: 8 (palette), 15, 16, 24 (interleaved RLE) and 32 (planar). */
export type ColorDepth = 8 | 15 | 16 | 24 | 32;

const COLOR_DEPTHS: readonly number[] = [8, 15, 16, 24, 32];

const normalizeDisplay = (d: string) => d.replace(/\.0$/, '');

/** Random bytes in a generated auth string (16 base64url characters). */
const AUTH_STRING_BYTES = 12;

/**
 * A sharing session: IRDPSRAPISharingSession. One per shared desktop. `open()` starts listening; invitations
 * admit attendees, whose control level decides what they see and do; `close()` ends it for good.
 *
 * @example
 * ```ts
 * const session = new RdpSession({ display: ':0' });
 * await session.open();
 * const invitation = session.invitations.createInvitation({ groupName: 'team', password: 'pw', attendeeLimit: 2 });
 * console.log(invitation.connectionString);
 * session.events.attendeeConnected$.subscribe(({ attendee }) => (attendee.controlLevel = CTRL_LEVEL.INTERACTIVE));
 * ```
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
  /** get_VirtualChannelManager: the app's channels to the attendees. */
  readonly virtualChannelManager: VirtualChannelManager;
  /** get_FrameBuffer (IRDPSRAPISharingSession2): the shared screen's pixels; usable while the session is open. */
  readonly frameBuffer: FrameBuffer;
  /**
   * get_ApplicationFilter: share chosen applications and windows only. Its lists fill once the session is open.
   * @example
   * ```ts
   * await session.open();
   * for (const app of session.applicationFilter.applications) app.shared = app.name === 'XTerm';
   * session.applicationFilter.enabled = true;
   * ```
   */
  readonly applicationFilter: ApplicationFilter;

  private readonly hub = new EventHub<RdpSessionEventTypes>();
  private readonly display: string;
  private readonly logger: Logger;
  private state: SessionState = { kind: 'new' };
  /** WebSocket listeners of `listenWebSocket`, closed with the session. */
  private readonly webListeners = new Set<WebSocketListener>();
  private readonly admission: Admission;
  private readonly limits: HandshakeLimits;
  /** Warnings an attacker can provoke at will, rate-limited. */
  private readonly log: RateLimitedLog;
  private readonly context: SessionContext;
  /** Attached to every admitted attendee (encomsp, app channels, ...). */
  private readonly services: AttendeeService[] = [];
  /** MS-RDPEMC: participants, control requests, pause notices. */
  private readonly encomsp: EncomspService;
  private nextAttendeeId = 1;
  private readonly traffic = new TrafficCounter();
  private depth: ColorDepth = 32;

  constructor(private readonly options: RdpSessionOptions = {}) {
    if (options === null || typeof options !== 'object') throw invalidArgument('RdpSession options must be an object');
    const display = options.display ?? process.env.DISPLAY;
    if (!display) throw invalidArgument('no display to share: pass { display: ":N" } or set DISPLAY');
    this.display = normalizeDisplay(display);
    this.logger = options.logger ?? consoleLogger();
    this.properties = new SessionProperties(options.properties);
    this.limits = handshakeLimits(options.limits);
    const guessing = { ...DEFAULT_GUESS_LIMITS, ...options.guessing };
    if (!(Number.isInteger(guessing.burst) && guessing.burst >= 1 && guessing.refillMs > 0)) {
      throw invalidArgument('guessing needs an integer burst >= 1 and refillMs > 0');
    }
    if (options.allowWeakRc4 !== undefined && typeof options.allowWeakRc4 !== 'boolean') {
      throw invalidArgument(`allowWeakRc4 must be a boolean, got ${String(options.allowWeakRc4)}`);
    }
    if (options.surfaceCopies !== undefined && typeof options.surfaceCopies !== 'boolean') {
      throw invalidArgument(`surfaceCopies must be a boolean, got ${String(options.surfaceCopies)}`);
    }
    this.log = new RateLimitedLog(this.logger);
    this.invitations = new InvitationManager(
      (authString) => this.opened().connectionString(authString),
      () => randomBytes(AUTH_STRING_BYTES).toString('base64url'),
      () => this.opened(),
    );
    this.events = this.hub.events;
    this.encomsp = new EncomspService(sharerName(), this.logger, (attendee, requestedLevel) => {
      this.logger.info('control level requested', { attendee: attendee.id, level: requestedLevel });
      this.hub.publish('controlLevelChangeRequest', { attendee, requestedLevel });
    });
    this.services.push(this.encomsp);
    this.applicationFilter = new ApplicationFilter({
      publish: (name, payload) => this.hub.publish(name, payload),
      announce: (pdus) => this.encomsp.broadcast(pdus),
      visibilityChanged: (rects) => {
        if (this.state.kind === 'open') this.state.open.graphics.damaged(rects);
      },
      screen: () => {
        if (this.state.kind !== 'open') return { width: 0, height: 0 };
        const { source } = this.state.open.desktop;
        return { width: source.width, height: source.height };
      },
      logger: this.logger,
    });
    // A joining viewer learns the filter state and lists right after the participants (MS-RDPEMC 3.1.5.3); one
    // that hears nothing of a filter sees the whole desktop, as it does.
    this.encomsp.onJoin((attendeeId) => {
      if (this.applicationFilter.enabled) this.encomsp.send(attendeeId, this.applicationFilter.statePdus());
    });
    this.encomsp.onWindowShow((attendeeId, windowId) => {
      const attendee = [...this.attendees].find((a) => a.id === attendeeId);
      // Raising a window acts on the sharer's desktop: only an attendee allowed to interact may ask for it.
      const allowed =
        attendee?.controlLevel === CTRL_LEVEL.INTERACTIVE && this.applicationFilter.showRequested(windowId);
      if (!allowed) this.logger.info('window show request refused', { attendee: attendeeId, window: windowId });
    });
    this.context = {
      applicationFilter: this.applicationFilter,
      sharedRectChanged: (rect) => this.hub.publish('sharedRectChanged', { ...rect }),
      display: this.display,
      properties: this.properties,
      logger: this.logger,
      hub: this.hub,
      attendees: this.attendees,
      crypto: nodeCryptoProvider(),
      services: this.services,
      colorDepth: () => this.depth,
      isOpen: () => this.state.kind === 'open',
      report: (error, what) => this.report(error, what),
      nextAttendeeId: () => this.nextAttendeeId++,
      traffic: this.traffic,
    };
    this.virtualChannelManager = new VirtualChannelManager(
      {
        received: (event) => this.hub.publish('channelDataReceived', event),
        sent: (event) => this.hub.publish('channelDataSent', event),
        error: (error, attendeeId) => {
          const attendee = [...this.attendees].find((a) => a.id === attendeeId);
          this.hub.publish('error', attendee ? { error, attendee } : { error });
        },
      },
      this.logger,
    );
    this.services.push(this.virtualChannelManager.service);
    this.frameBuffer = new FrameBuffer(() => {
      const open = this.opened();
      return {
        source: open.desktop.source,
        area: open.sharedArea(),
        visibleRegion: this.applicationFilter.visibleRegion(),
      };
    });
    this.admission = new Admission(
      this.invitations,
      (invitation) => this.connectedWith(invitation),
      new GuessThrottle(guessing),
      this.log,
    );
  }

  /**
   * Open: claims the display (one session per X display, whichever process asks), opens it, makes the session
   * key and certificates, and starts listening.
   * @throws {RdshareError} `DISPLAY_IN_USE` when another session holds the display, `DISPLAY_UNAVAILABLE` when
   *   it cannot be opened (the message says why), `NATIVE_UNAVAILABLE` when the native addon does not load,
   *   `TLS_IDENTITY_FAILED` when the `tls` option's certificate and key are unusable (or the generated ones
   *   could not be made), `LISTEN_FAILED` when the address and port cannot be bound (`cause.code` says why),
   *   `ALREADY_OPEN` / `CLOSED`; `INTERNAL_ERROR` for anything else (a bug: the cause is attached).
   */
  async open(): Promise<void> {
    if (this.state.kind === 'closed') {
      throw new RdshareError('CLOSED', 'this session was closed; create a new RdpSession');
    }
    if (this.state.kind !== 'new') throw new RdshareError('ALREADY_OPEN', 'open() was called already');
    this.state = { kind: 'opening' };
    try {
      const open = await OpenSession.start(this.context, this.admission, {
        listenAddress: this.options.listenAddress,
        tls: this.options.tls,
        limits: this.limits,
        allowWeakRc4: this.options.allowWeakRc4 === true,
        surfaceCopies: this.options.surfaceCopies !== false,
        log: this.log,
      });
      if (this.isClosed()) {
        // close() was called while opening: it is final.
        await open.close();
        return;
      }
      lockProperties(this.properties);
      this.state = { kind: 'open', open };
      this.logger.info('session open', { display: this.display, ...open.listening });
    } catch (error) {
      if (!this.isClosed()) this.state = { kind: 'new' };
      if (error instanceof RdshareError) throw error;
      // What open() expects to fail is typed where it happens; anything else is not the caller's doing.
      throw new RdshareError('INTERNAL_ERROR', `open() failed unexpectedly: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * get_ColorDepth / put_ColorDepth: the colour depth of the session (8, 15, 16, 24 or 32 bits per pixel;
   * default 32, lossless planar). The sharer decides it in its Demand Active, so viewers asking for more get this
   * one; 8 bpp is a 256-colour palette sent after each activation. It applies to new connections.
   */
  get colorDepth(): ColorDepth {
    return this.depth;
  }

  set colorDepth(depth: ColorDepth) {
    if (!COLOR_DEPTHS.includes(depth)) {
      throw invalidArgument(`colorDepth must be 8, 15, 16, 24 or 32, got ${String(depth)}`);
    }
    this.depth = depth;
  }

  /**
   * GetDesktopSharedRect: the part of the screen attendees see, a rectangle with `right` and `bottom` exclusive
   * (the whole screen unless `setDesktopSharedRect` narrowed it).
   * @throws {RdshareError} `NOT_OPEN` / `CLOSED` unless the session is open.
   */
  getDesktopSharedRect(): SharedRect {
    return this.opened().sharedRect;
  }

  /**
   * SetDesktopSharedRect: shares only this rectangle of the screen (`right` and `bottom` exclusive). Attendees'
   * desktops take its size at once (a Deactivation-Reactivation Sequence), their input lands inside it, and
   * `sharedRectChanged$` fires. A rectangle cut by a later display resize is clipped to the screen.
   * @throws {RdshareError} `INVALID_ARGUMENT` unless it is a non-empty integer rectangle inside the screen;
   *   `NOT_OPEN` / `CLOSED` unless the session is open.
   * @example
   * ```ts
   * session.setDesktopSharedRect(0, 0, 1024, 768); // the top-left 1024x768 only
   * ```
   */
  setDesktopSharedRect(left: number, top: number, right: number, bottom: number): void {
    const open = this.opened();
    if (!open.setSharedRect({ left, top, right, bottom })) return;
    this.logger.info('shared rectangle changed', { left, top, right, bottom });
    this.hub.publish('sharedRectChanged', { ...open.sharedRect });
  }

  /**
   * What every connection sent and received since `open()`, attendees that left and refused viewers included;
   * still readable after `close()`. No COM counterpart (see {@link TrafficStatistics}); per attendee, read
   * `attendee.statistics`.
   *
   * @example
   * ```ts
   * await session.close();
   * console.log(`sent ${session.statistics().bytesSent} bytes in ${session.statistics().framesSent} frames`);
   * ```
   */
  statistics(): TrafficStatistics {
    return this.traffic.snapshot();
  }

  /** The port the session listens on (useful with an ephemeral `PortId` of 0). */
  get port(): number {
    return this.opened().listening.port;
  }

  /**
   * ConnectUsingTransportStream (IRDPSRAPISharingSession2): runs one attendee's RDP connection over a byte stream
   * the app provides (a relay, a WebSocket, an SSH channel, ...), for an attendee the app has authenticated
   * itself. It joins with the invitation of `groupName` (which must exist, not be revoked and have room) under
   * the name `authenticatedAttendeeName`; the password in its Client Info is not checked. TLS runs over the stream
   * when the client asks for it. Resolves once the connection runs; the attendee arrives on `attendeeConnected$`.
   *
   * @throws {RdshareError} `INVALID_ARGUMENT` for a stream that is neither a Node `Duplex` nor a web
   *   `{ readable, writable }` pair, or names that are not strings; `NOT_FOUND` when no invitation has that group;
   *   `AUTHENTICATION_FAILED` when it is revoked or full; `NOT_OPEN` / `CLOSED`.
   * @example
   * ```ts
   * // A WebSocket relay hands each authenticated user's stream to the session.
   * wss.on('connection', (ws, request) =>
   *   session.connectUsingTransportStream(createWebSocketStream(ws), 'web-viewers', userOf(request).name),
   * );
   * ```
   */
  async connectUsingTransportStream(
    stream: TransportStream,
    groupName: string,
    authenticatedAttendeeName: string,
  ): Promise<void> {
    const open = this.opened();
    if (typeof groupName !== 'string') throw invalidArgument(`groupName must be a string, got ${typeof groupName}`);
    if (typeof authenticatedAttendeeName !== 'string') {
      throw invalidArgument(`authenticatedAttendeeName must be a string, got ${typeof authenticatedAttendeeName}`);
    }
    const duplex = toDuplex(stream);
    const verdict = this.admission.decideTrusted(groupName, authenticatedAttendeeName);
    if (!verdict.accept) {
      if (verdict.reason === 'unknown-invitation') {
        throw new RdshareError('NOT_FOUND', `no invitation has the group name '${groupName}'`);
      }
      throw new RdshareError(
        'AUTHENTICATION_FAILED',
        `the invitation of group '${groupName}' admits nobody new: ${verdict.reason === 'revoked' ? 'it is revoked' : 'its attendee limit is reached'}`,
      );
    }
    // Checked again when the client presents itself (the invitation may have filled up or been revoked since);
    // only then is a place held.
    verdict.reservation.release();
    open.connect(
      duplex,
      { family: ADDRESS_FAMILY.AF_UNSPEC, address: '', port: 0, localAddress: '', localPort: 0 },
      () => this.admission.decideTrusted(groupName, authenticatedAttendeeName),
    );
  }

  /**
   * Accepts viewers over WebSocket, for browsers: one port serves the web viewer's page (`staticDir`) over HTTP
   * and carries each viewer's RDP byte stream in binary WebSocket messages on `path`. RDPSRAPI has no counterpart
   * (Windows viewers only dial TCP); it extends the session's listener the way `connectUsingTransportStream`
   * extends its transports, except that the viewer authenticates with an invitation's password as on TCP: each
   * WebSocket runs the normal connection path with its remote address as the peer, so admission, the guessing
   * budget and the handshake limits apply unchanged. Browsers cannot run TLS inside the WebSocket, so those
   * viewers use Standard RDP Security (RC4, the server key pinned against the ticket); pass `tls` for `wss://`.
   * The listener closes with the session. Call after `open()`.
   *
   * @throws {RdshareError} `INVALID_ARGUMENT` for bad options; `LISTEN_FAILED` when the port cannot be bound;
   *   `NOT_OPEN` / `CLOSED`.
   * @example
   * ```ts
   * await session.open();
   * const web = await session.listenWebSocket({ port: 8080, staticDir: 'apps/web-viewer/dist' });
   * const invitation = session.invitations.createInvitation({ groupName: 'web', password: 'secret', attendeeLimit: 5 });
   * const ticket = invitation.connectionString;
   * console.log(`http://localhost:${web.port}/#ticket=${encodeURIComponent(ticket)}`);
   * ```
   */
  async listenWebSocket(options: WebSocketListenerOptions): Promise<WebSocketListener> {
    this.opened();
    const listener = await WebSocketListener.start(
      options,
      (stream, peer) => this.opened().connect(stream, peer),
      (error, what) => this.report(error, what),
    );
    if (this.state.kind !== 'open') {
      await listener.close();
      this.opened();
    }
    this.webListeners.add(listener);
    this.logger.info('web listener open', { url: listener.url });
    return listener;
  }

  /**
   * ConnectToClient: reverse connect. Dials the addresses of a viewer's connection string (the one its
   * StartReverseConnectListener gave out) one after the other, each for at most `timeoutMs` (default 5 s), and
   * acts as the RDP server on the first that answers. The viewer then presents an invitation's auth string and
   * password as usual. Resolves once connected; the attendee arrives on `attendeeConnected$`. Every failure also
   * raises `error$`.
   *
   * @throws {RdshareError} `INVALID_ARGUMENT` for a string that is not a connection string or lists no
   *   address, or a bad `timeoutMs`; `CONNECT_FAILED` when no address answered (or too many connections are
   *   still in their handshake); `NOT_OPEN` / `CLOSED`.
   * @example
   * ```ts
   * // The viewer's string arrived out of band (chat, e-mail).
   * await session.connectToClient(viewerConnectionString);
   * ```
   */
  async connectToClient(connectionString: string, options: { timeoutMs?: number } = {}): Promise<void> {
    try {
      this.opened();
      const timeoutMs = options?.timeoutMs ?? REVERSE_CONNECT_TIMEOUT_MS;
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
        throw invalidArgument(`timeoutMs must be a positive integer, got ${String(timeoutMs)}`);
      }
      const socket = await dialFirst(reverseConnectAddresses(connectionString), timeoutMs);
      if (this.state.kind !== 'open') socket.destroy();
      // Throws CLOSED when the session was closed while dialling.
      const open = this.opened();
      const peer = peerOfSocket(socket);
      open.connect(socket, peer);
      this.logger.info('reverse connection established', { peer: peer.address, port: peer.port });
    } catch (error) {
      this.logger.warn('reverse connect failed', { error: String(error) });
      this.hub.publish('error', { error: error as Error });
      throw error;
    }
  }

  /**
   * Pause (IRDPSRAPISharingSession::Pause): stops the graphics of every attendee, those that join meanwhile
   * included, until `resume()`. Viewers are told (OD_GRAPHICS_STREAM_PAUSED) and keep showing the last picture;
   * no graphics or pointer updates are sent. Raises `graphicsStreamPaused$`; pausing a paused session does
   * nothing. Throws NOT_OPEN / CLOSED unless the session is open.
   *
   * @example
   * ```ts
   * session.pause(); // while a password is typed on the shared desktop
   * await typeSecret();
   * session.resume();
   * ```
   */
  pause(): void {
    this.setPaused(true);
  }

  /**
   * Resume (IRDPSRAPISharingSession::Resume): restarts the graphics after `pause()`; each viewer is brought up to
   * the current screen, changes made while paused included (OD_GRAPHICS_STREAM_RESUMED). Raises
   * `graphicsStreamResumed$`; resuming a session that is not paused does nothing. Throws unless open.
   *
   * @example
   * ```ts
   * session.events.graphicsStreamResumed$.subscribe(() => console.log('viewers see the desktop again'));
   * session.resume();
   * ```
   */
  resume(): void {
    this.setPaused(false);
  }

  private setPaused(paused: boolean): void {
    const open = this.opened();
    if (open.graphics.isPaused === paused) return;
    open.graphics.setPaused(paused);
    open.pointer.refresh();
    this.encomsp.setPaused(paused);
    this.logger.info(paused ? 'graphics paused' : 'graphics resumed');
    this.hub.publish(paused ? 'graphicsStreamPaused' : 'graphicsStreamResumed', {});
  }

  /**
   * SendControlLevelChangeResponse (IRDPSRAPISharingSession2): answers an attendee's control request
   * (`controlLevelChangeRequest$`) with OD_PARTICIPANT_CTRL_CHANGE_RESPONSE, naming the level it is about and an
   * app-defined `reasonCode` (a 32-bit integer). Granting is still done by setting `attendee.controlLevel`.
   * Only viewers known to read this PDU get it (Windows 10 client stacks): FreeRDP's encomsp client rejects it
   * and would lose the channel, so for FreeRDP and any viewer that cannot be identified nothing is sent.
   *
   * @returns whether the response was sent.
   * @example
   * ```ts
   * session.events.controlLevelChangeRequest$.subscribe(({ attendee, requestedLevel }) => {
   *   const granted = requestedLevel !== CTRL_LEVEL.INTERACTIVE || isTrusted(attendee);
   *   if (granted) attendee.controlLevel = requestedLevel;
   *   session.sendControlLevelChangeResponse(attendee, requestedLevel, granted ? 0 : 1);
   * });
   * ```
   */
  sendControlLevelChangeResponse(attendee: Attendee, level: CTRL_LEVEL, reasonCode: number): boolean {
    this.opened();
    if (!(attendee instanceof Attendee)) throw invalidArgument('attendee must be an Attendee of this session');
    if (![...this.attendees].includes(attendee)) {
      throw new RdshareError('NOT_FOUND', `attendee ${attendee.id} is not connected to this session`);
    }
    if (!Number.isInteger(level) || level < CTRL_LEVEL.NONE || level > CTRL_LEVEL.MAX) {
      throw invalidArgument(
        `level must be a CTRL_LEVEL from NONE (1) to REQCTRL_INTERACTIVE (5), got ${String(level)}`,
      );
    }
    if (!Number.isInteger(reasonCode) || reasonCode < -0x80000000 || reasonCode > 0xffffffff) {
      throw invalidArgument(`reasonCode must be a 32-bit integer, got ${String(reasonCode)}`);
    }
    const sent = this.encomsp.send(attendee.id, [
      {
        type: 'participantCtrlChangeResponse',
        flags: controlChangeFlagsFor(level),
        participantId: attendee.id,
        reasonCode: reasonCode >>> 0,
      },
    ]);
    if (!sent)
      this.logger.debug('control level response not sent: the viewer does not read it', { attendee: attendee.id });
    return sent > 0;
  }

  private connectedWith(invitation: Invitation): number {
    let n = 0;
    for (const a of this.attendees) if (a.invitation === invitation) n++;
    return n;
  }

  /** Close: disconnects everyone, stops listening and releases the display. Final. */
  async close(): Promise<void> {
    const { state } = this;
    if (state.kind === 'closed') return;
    this.state = { kind: 'closed' };
    await Promise.all([...this.webListeners].map((l) => l.close()));
    this.webListeners.clear();
    if (state.kind === 'open') {
      await state.open.close();
    }
    this.log.close();
    this.hub.complete();
  }

  /** Whether close() was called (a method, so checks after an await are not narrowed away). */
  private isClosed(): boolean {
    return this.state.kind === 'closed';
  }

  /** The open session, or the error a call needing one throws. */
  private opened(): OpenSession {
    if (this.state.kind === 'open') return this.state.open;
    throw new RdshareError(
      this.state.kind === 'closed' ? 'CLOSED' : 'NOT_OPEN',
      `the session is ${this.state.kind === 'closed' ? 'closed' : 'not open'}; call open() first`,
    );
  }

  private report(error: unknown, what: string): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.logger.error(what, { error: err.message });
    this.hub.publish('error', { error: err });
  }
}

/** The sharer's name as viewers see it (participant 0): the user running the session, as on Windows. */
function sharerName(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): viewers see an empty name.
    return '';
  }
}
