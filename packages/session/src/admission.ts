import { type AuthenticationResult, type ClientInfo, ErrorInfo } from '@rdshare/protocol';
import type { AuthThrottle } from './auth-throttle.js';
import type { Invitation } from './invitation.js';
import type { AdmissionRefusal, InvitationManager } from './invitation-manager.js';
import type { Logger } from './logger.js';

/** The verdict on one Client Info PDU: the invitation it was admitted with, or why not. */
export type AdmissionVerdict =
  | { accept: true; invitation: Invitation }
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
}

/** The acceptor's form of a verdict. */
export function authenticationResult(verdict: AdmissionVerdict): AuthenticationResult {
  return verdict.accept ? { accept: true } : { accept: false, errorInfo: verdict.errorInfo, reason: verdict.reason };
}
