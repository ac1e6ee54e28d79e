import type { AuthenticationResult, ClientInfo } from '@rdshare/protocol';
import { ErrorInfo } from '@rdshare/protocol';
import { addressPrefix } from './address-prefix.js';
import type { GuessThrottle } from './guess-throttle.js';
import type { Invitation } from './invitation.js';
import type { InvitationManager } from './invitation-manager.js';
import type { RateLimitedLog } from './rate-limited-log.js';

/**
 * Why an attendee was refused; logged by the session (never with the password). `throttled`: too many failed
 * guesses from its network or for its invitation, so its password was not even checked; `display-lost`: the
 * shared X server went away.
 */
export type AdmissionRefusal =
  | 'unknown-invitation'
  | 'revoked'
  | 'wrong-password'
  | 'attendee-limit'
  | 'throttled'
  | 'display-lost';

/**
 * A place under an invitation's attendee limit, held from a successful authentication until the attendee is
 * activated (and counted as connected) or its connection ends. Releasing twice is harmless.
 */
export interface Reservation {
  readonly invitation: Invitation;
  release(): void;
}

/**
 * The verdict on one Client Info PDU: a reserved place (and, for an attendee the app authenticated itself, the
 * name the app gave it), or why not.
 */
export type AdmissionVerdict =
  | { accept: true; reservation: Reservation; attendeeName?: string }
  | { accept: false; errorInfo: number; reason: AdmissionRefusal };

/** Decides on one Client Info PDU. */
export type Admit = (info: ClientInfo) => AdmissionVerdict;

/** Compares without an early exit, so the time taken does not reveal how much of a guess was right. */
export function constantTimeEquals(a: string, b: string): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

/**
 * Who may join: finds the invitation an attendee presents (WDS puts the auth string in Client Info WorkingDir and
 * the password in AlternateShell), lets the guess throttle decide whether the password is checked at all, checks
 * it, the revocation and the invitation's attendee limit. The limit counts attendees connected and those admitted
 * but still finishing their handshake, so it holds however many clients authenticate at the same moment.
 */
export class Admission {
  private readonly reserved = new Map<Invitation, number>();

  constructor(
    private readonly invitations: InvitationManager,
    /** Attendees connected (activated) now with an invitation. */
    private readonly connectedWith: (invitation: Invitation) => number,
    private readonly throttle: GuessThrottle,
    private readonly log: RateLimitedLog,
  ) {}

  /** Decides on a Client Info PDU from `peer`, logging a refusal (rate-limited, never with the password). */
  decide(info: ClientInfo, peer: string): AdmissionVerdict {
    const verdict = this.verdict(info, addressPrefix(peer));
    if (!verdict.accept) {
      this.log.warn(`refused:${verdict.reason}`, 'attendee refused', {
        peer,
        viewer: info.userName,
        reason: verdict.reason,
        authString: info.workingDir,
      });
    }
    return verdict;
  }

  /**
   * Decides for a connection the app authenticated itself (ConnectUsingTransportStream): the invitation of
   * `groupName` must exist, not be revoked and have room; no password is looked at, and the attendee is called
   * `attendeeName`.
   */
  decideTrusted(groupName: string, attendeeName: string): AdmissionVerdict {
    const invitation = this.invitations.findGroup(groupName);
    const reason: AdmissionRefusal | undefined = !invitation
      ? 'unknown-invitation'
      : invitation.revoked
        ? 'revoked'
        : this.full(invitation)
          ? 'attendee-limit'
          : undefined;
    if (!invitation || reason) {
      const refused = reason ?? 'unknown-invitation';
      this.log.warn(`refused:${refused}`, 'attendee refused', { viewer: attendeeName, reason: refused, groupName });
      return { accept: false, errorInfo: ErrorInfo.SERVER_DENIED_CONNECTION, reason: refused };
    }
    return { accept: true, reservation: this.reserve(invitation), attendeeName };
  }

  /** Attendees admitted with `invitation` whose handshake has not finished yet. */
  pendingWith(invitation: Invitation): number {
    return this.reserved.get(invitation) ?? 0;
  }

  private verdict(info: ClientInfo, prefix: string): AdmissionVerdict {
    const invitation = this.invitations.find(info.workingDir);
    if (!this.throttle.mayCheck(invitation, prefix)) return refusal('throttled');
    if (!invitation) {
      this.throttle.recordFailure(undefined, prefix);
      return refusal('unknown-invitation');
    }
    if (!constantTimeEquals(info.alternateShell, invitation.password)) {
      this.throttle.recordFailure(invitation, prefix);
      return refusal('wrong-password');
    }
    if (invitation.revoked) return refusal('revoked');
    if (this.full(invitation)) return refusal('attendee-limit');
    return { accept: true, reservation: this.reserve(invitation) };
  }

  /** Whether the attendees connected and those still in their handshake fill the invitation. */
  private full(invitation: Invitation): boolean {
    return this.connectedWith(invitation) + this.pendingWith(invitation) >= invitation.attendeeLimit;
  }

  private reserve(invitation: Invitation): Reservation {
    this.reserved.set(invitation, this.pendingWith(invitation) + 1);
    let held = true;
    return {
      invitation,
      release: () => {
        if (!held) return;
        held = false;
        const n = this.pendingWith(invitation) - 1;
        if (n > 0) this.reserved.set(invitation, n);
        else this.reserved.delete(invitation);
      },
    };
  }
}

const refusal = (reason: AdmissionRefusal): AdmissionVerdict => ({
  accept: false,
  reason,
  errorInfo:
    reason === 'attendee-limit' ? ErrorInfo.SERVER_DENIED_CONNECTION : ErrorInfo.SERVER_INSUFFICIENT_PRIVILEGES,
});

/** The acceptor's form of a verdict. */
export function authenticationResult(verdict: AdmissionVerdict): AuthenticationResult {
  return verdict.accept ? { accept: true } : { accept: false, errorInfo: verdict.errorInfo, reason: verdict.reason };
}
