import { type ADDRESS_FAMILY, ATTENDEE_DISCONNECT_REASON, CTRL_LEVEL } from './constants.js';
import { invalidArgument } from './errors.js';
import type { Invitation } from './invitation.js';
import type { TrafficStatistics } from './traffic-statistics.js';

/** IRDPSRAPITcpConnectionInfo. */
export interface ConnectivityInfo {
  /** ADDRESS_FAMILY: AF_INET or AF_INET6; AF_UNSPEC for a caller's transport stream. */
  protocol: ADDRESS_FAMILY;
  localIp: string;
  localPort: number;
  peerIp: string;
  peerPort: number;
}

/** @internal What an attendee needs from its connection; the session implements it. */
export interface AttendeeLink {
  applyControlLevel(level: CTRL_LEVEL): void;
  terminate(reason: ATTENDEE_DISCONNECT_REASON): void;
  statistics(): TrafficStatistics;
}

const SETTABLE: readonly number[] = [CTRL_LEVEL.NONE, CTRL_LEVEL.VIEW, CTRL_LEVEL.INTERACTIVE];

/** IRDPSRAPIAttendee: one connected viewer. */
export class Attendee {
  private level: CTRL_LEVEL;

  /** @internal */
  constructor(
    /** get_Id: unique in the session, also the MS-RDPEMC ParticipantId. */
    readonly id: number,
    /** get_RemoteName: the name the viewer gave (Client Info UserName). */
    readonly remoteName: string,
    /** get_Invitation: the invitation it joined with. */
    readonly invitation: Invitation,
    /** get_ConnectivityInfo. */
    readonly connectivityInfo: ConnectivityInfo,
    initialLevel: CTRL_LEVEL,
    private readonly link: AttendeeLink,
    /** get_Flags: RDPENCOMAPI_ATTENDEE_FLAGS (ATTENDEE_FLAGS_LOCAL for loopback peers). */
    readonly flags: number,
  ) {
    this.level = initialLevel;
  }

  /**
   * get_ControlLevel / put_ControlLevel. Setting it takes effect at once: INTERACTIVE input reaches the
   * desktop, VIEW input is dropped, NONE stops the graphics and the pointer. Every change raises
   * `attendeeUpdate$` and is announced to all viewers (MS-RDPEMC OD_PARTICIPANT_CREATED).
   *
   * @example
   * ```ts
   * session.events.controlLevelChangeRequest$.subscribe(({ attendee, requestedLevel }) => {
   *   attendee.controlLevel = requestedLevel;
   * });
   * ```
   */
  get controlLevel(): CTRL_LEVEL {
    return this.level;
  }

  set controlLevel(level: CTRL_LEVEL) {
    if (!SETTABLE.includes(level)) {
      throw invalidArgument(
        `controlLevel must be CTRL_LEVEL.NONE (1), VIEW (2) or INTERACTIVE (3), got ${String(level)}`,
      );
    }
    if (level === this.level) return;
    this.level = level;
    this.link.applyControlLevel(level);
  }

  /**
   * What this attendee's connection sent and received so far, handshake included; it stays readable after the
   * attendee left. No COM counterpart (see {@link TrafficStatistics}).
   *
   * @example
   * ```ts
   * session.events.attendeeDisconnected$.subscribe(({ info }) =>
   *   console.log(`${info.attendee.remoteName} was sent ${info.attendee.statistics.bytesSent} bytes`),
   * );
   * ```
   */
  get statistics(): TrafficStatistics {
    return this.link.statistics();
  }

  /** TerminateConnection: disconnects this attendee (reason ATTENDEE_DISCONNECT_REASON.APP). */
  terminateConnection(): void {
    this.link.terminate(ATTENDEE_DISCONNECT_REASON.APP);
  }
}

/** IRDPSRAPIAttendeeDisconnectInfo, carried by `attendeeDisconnected$`. */
export interface AttendeeDisconnectInfo {
  attendee: Attendee;
  reason: ATTENDEE_DISCONNECT_REASON;
  /** Why, as an HRESULT (`DISCONNECT_CODE`); the same value reaches the other viewers as MS-RDPEMC DiscCode. */
  code: number;
}
