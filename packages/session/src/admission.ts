import { type AuthenticationResult, type ClientInfo, ErrorInfo } from '@rdshare/protocol';
import type { AuthThrottle } from './auth-throttle.js';
import type { Invitation } from './invitation.js';
import type { AdmissionRefusal, InvitationManager } from './invitation-manager.js';
import type { Logger } from './logger.js';

/**
 * The verdict on one Client Info PDU: the invitation it was admitted with (and, for an attendee the app
 * authenticated itself, the name the app gave it), or why not.
 */
export type AdmissionVerdict =
  | { accept: true; invitation: Invitation; attendeeName?: string }
  | { accept: false; errorInfo: number; reason: AdmissionRefusal };

/** Decides on one Client Info PDU. */
export type Admit = (info: ClientInfo) => AdmissionVerdict;

/**
 * Who may join: finds the invitation an attendee presents (WDS puts the auth string in Client Info WorkingDir and
 * the password in AlternateShell), checks the password, the revocation and the invitation's attendee limit, and
 * slows down peers that guess.
 */
export class Admission {
  constructor(
    private readonly invitations: InvitationManager,
    /** Attendees connected now with an invitation. */
    private readonly connectedWith: (invitation: Invitation) => number,
    private readonly throttle: AuthThrottle,
    private readonly logger: Logger,
  ) {}

  /** Milliseconds to hold a new connection from `peer` before reading it (0 = at once). */
  holdFor(peer: string): number {
    return this.throttle.delayFor(peer);
  }

  /** Decides on a Client Info PDU from `peer`, logging a refusal (never with the password). */
  decide(info: ClientInfo, peer: string): AdmissionVerdict {
    const result = this.invitations.admit(info.workingDir, info.alternateShell, this.connectedWith);
    if (typeof result !== 'string') {
      this.throttle.recordSuccess(peer);
      return { accept: true, invitation: result };
    }
    this.throttle.recordFailure(peer);
    this.logger.warn('attendee refused', { peer, viewer: info.userName, reason: result, authString: info.workingDir });
    const errorInfo =
      result === 'attendee-limit' ? ErrorInfo.SERVER_DENIED_CONNECTION : ErrorInfo.SERVER_INSUFFICIENT_PRIVILEGES;
    return { accept: false, errorInfo, reason: result };
  }

  /**
   * Decides for a connection the app authenticated itself (ConnectUsingTransportStream): the invitation of
   * `groupName` must exist, not be revoked and have room; the Client Info password is not looked at, and the
   * attendee is called `attendeeName`.
   */
  decideTrusted(groupName: string, attendeeName: string): AdmissionVerdict {
    const result = this.invitations.admitGroup(groupName, this.connectedWith);
    if (typeof result !== 'string') return { accept: true, invitation: result, attendeeName };
    this.logger.warn('attendee refused', { viewer: attendeeName, reason: result, groupName });
    return { accept: false, errorInfo: ErrorInfo.SERVER_DENIED_CONNECTION, reason: result };
  }
}

/** The acceptor's form of a verdict. */
export function authenticationResult(verdict: AdmissionVerdict): AuthenticationResult {
  return verdict.accept ? { accept: true } : { accept: false, errorInfo: verdict.errorInfo, reason: verdict.reason };
}
