import { invalidArgument } from './errors.js';

/**
 * IRDPSRAPIInvitation: what an attendee presents to join (ticket + password), and how many may use it.
 *
 * @example
 * ```ts
 * const invitation = session.invitations.createInvitation({ groupName: 'team', password: 's3cret', attendeeLimit: 5 });
 * invitation.attendeeLimit = 10; // more may join with it from now on
 * invitation.revoked = true; // no one else joins with it; those connected stay
 * ```
 */
export class Invitation {
  private _attendeeLimit: number;
  private _revoked = false;

  /** @internal created by `InvitationManager.createInvitation`. */
  constructor(
    /** get_ConnectionString: the [MS-RAI] ticket to hand to the viewer (with the password, out of band). */
    readonly connectionString: string,
    /** The auth string (`<A ID>`) that identifies this invitation on the wire. */
    readonly authString: string,
    /** get_GroupName. */
    readonly groupName: string,
    /** get_Password. */
    readonly password: string,
    attendeeLimit: number,
  ) {
    this._attendeeLimit = attendeeLimit;
  }

  /** get_AttendeeLimit / put_AttendeeLimit: attendees connected with this invitation at once. */
  get attendeeLimit(): number {
    return this._attendeeLimit;
  }

  set attendeeLimit(value: number) {
    this._attendeeLimit = validateAttendeeLimit(value);
  }

  /**
   * get_Revoked / put_Revoked: a revoked invitation admits nobody new (attendees already in stay connected).
   * Revoking is final.
   */
  get revoked(): boolean {
    return this._revoked;
  }

  set revoked(value: boolean) {
    if (typeof value !== 'boolean') throw invalidArgument(`revoked must be a boolean, got ${String(value)}`);
    if (!value && this._revoked) throw invalidArgument('a revoked invitation cannot be reinstated; create a new one');
    this._revoked = value;
  }
}

export function validateAttendeeLimit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1024) {
    throw invalidArgument(`attendeeLimit must be an integer from 1 to 1024, got ${String(value)}`);
  }
  return value;
}
