import { randomBytes } from 'node:crypto';
import { EventHub, type SessionEvents } from '@rdshare/rx';
import { Admission } from './admission.js';
import { AttendeeManager } from './attendee-manager.js';
import type { AttendeeService } from './attendee-service.js';
import { AuthThrottle } from './auth-throttle.js';
import { invalidArgument, RdshareError } from './errors.js';
import type { Invitation } from './invitation.js';
import { InvitationManager } from './invitation-manager.js';
import { consoleLogger, type Logger } from './logger.js';
import { nodeCryptoProvider } from './node-crypto.js';
import { OpenSession } from './open-session.js';
import type { SessionContext } from './session-context.js';
import type { RdpSessionEventTypes } from './session-event-types.js';
import { lockProperties, SessionProperties, type SessionPropertyValues } from './session-properties.js';
import type { TlsIdentity } from './tls-certificate.js';

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
   * Slowing down of password guessing: after a failed authentication, a peer address waits `baseMs`, doubling
   * with each further failure up to `maxMs`, before its next connection is read. Default 250 ms up to 8 s.
   */
  authFailureDelay?: { baseMs: number; maxMs: number };
}

/** The session's life: only an open session has an `OpenSession`, so nothing open-time is ever missing. */
type SessionState = { kind: 'new' } | { kind: 'opening' } | { kind: 'open'; open: OpenSession } | { kind: 'closed' };

/** ColorDepth values the sharer encodes. */
type ColorDepth = 15 | 16 | 24 | 32;

/** Displays shared by a session of this process: Windows allows one RDPSession per desktop, so do we. */
const displaysInUse = new Set<string>();

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

  private readonly hub = new EventHub<RdpSessionEventTypes>();
  private readonly display: string;
  private readonly logger: Logger;
  private state: SessionState = { kind: 'new' };
  private readonly admission: Admission;
  private readonly context: SessionContext;
  /** Attached to every admitted attendee (encomsp, app channels, ...). */
  private readonly services: AttendeeService[] = [];
  private nextAttendeeId = 1;
  private depth: ColorDepth = 32;

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
    this.invitations = new InvitationManager(
      (authString) => this.opened().connectionString(authString),
      () => randomBytes(AUTH_STRING_BYTES).toString('base64url'),
      () => this.opened(),
    );
    this.events = this.hub.events;
    this.context = {
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
    };
    this.admission = new Admission(
      this.invitations,
      (invitation) => this.connectedWith(invitation),
      new AuthThrottle(delay.baseMs, delay.maxMs),
      this.logger,
    );
  }

  /** Open: takes the display, makes the session key and certificates, and starts listening. */
  async open(): Promise<void> {
    if (this.state.kind === 'closed') {
      throw new RdshareError('CLOSED', 'this session was closed; create a new RdpSession');
    }
    if (this.state.kind !== 'new') throw new RdshareError('ALREADY_OPEN', 'open() was called already');
    if (displaysInUse.has(this.display)) {
      throw new RdshareError(
        'DISPLAY_IN_USE',
        `display ${this.display} is already shared by another RdpSession in this process`,
      );
    }
    this.state = { kind: 'opening' };
    displaysInUse.add(this.display);
    try {
      const open = await OpenSession.start(this.context, this.admission, {
        listenAddress: this.options.listenAddress,
        tls: this.options.tls,
      });
      if (this.isClosed()) {
        // close() was called while opening: it is final.
        await open.close();
        displaysInUse.delete(this.display);
        return;
      }
      lockProperties(this.properties);
      this.state = { kind: 'open', open };
      this.logger.info('session open', { display: this.display, ...open.listening });
    } catch (error) {
      displaysInUse.delete(this.display);
      if (!this.isClosed()) this.state = { kind: 'new' };
      if (error instanceof RdshareError) throw error;
      throw new RdshareError('LISTEN_FAILED', `could not open the session: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * get_ColorDepth / put_ColorDepth: the highest colour depth attendees get (15, 16, 24 or 32 bits per pixel;
   * default 32, lossless planar). Viewers asking for more are given this depth; it applies to new connections.
   */
  get colorDepth(): ColorDepth {
    return this.depth;
  }

  set colorDepth(depth: ColorDepth) {
    if (depth !== 15 && depth !== 16 && depth !== 24 && depth !== 32) {
      throw invalidArgument(`colorDepth must be 15, 16, 24 or 32, got ${String(depth)}`);
    }
    this.depth = depth;
  }

  /** The port the session listens on (useful with an ephemeral `PortId` of 0). */
  get port(): number {
    return this.opened().listening.port;
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
    if (state.kind === 'open') {
      await state.open.close();
      displaysInUse.delete(this.display);
    }
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
