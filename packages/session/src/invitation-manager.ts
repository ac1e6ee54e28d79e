import { invalidArgument, RdshareError } from './errors.js';
import { Invitation, validateAttendeeLimit } from './invitation.js';

export interface CreateInvitationOptions {
  /** bstrAuthString: ≤255 characters, unique in the session; generated when omitted. */
  authString?: string;
  /** bstrGroupName: ≤255 characters, unique in the session. */
  groupName: string;
  /** bstrPassword: ≤255 characters; the viewer must present it. */
  password: string;
  /** How many attendees may be connected with this invitation at once. */
  attendeeLimit: number;
}

/** Why an attendee was refused; logged by the session (never with the password). */
export type AdmissionRefusal = 'unknown-invitation' | 'revoked' | 'wrong-password' | 'attendee-limit';

const MAX_TEXT = 255;

function text(name: string, value: unknown, allowEmpty: boolean): string {
  if (typeof value !== 'string') throw invalidArgument(`${name} must be a string, got ${typeof value}`);
  if (!allowEmpty && value.length === 0) throw invalidArgument(`${name} must not be empty`);
  if (value.length > MAX_TEXT)
    throw invalidArgument(`${name} must be at most ${MAX_TEXT} characters, got ${value.length}`);
  return value;
}

/** Compares without an early exit, so the time taken does not reveal how much of a guess was right. */
export function constantTimeEquals(a: string, b: string): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

/** IRDPSRAPIInvitationManager: creates invitations and finds the one an attendee presents. */
export class InvitationManager implements Iterable<Invitation> {
  private readonly byAuth = new Map<string, Invitation>();

  /** @internal */
  constructor(
    private readonly ticket: (authString: string) => string,
    private readonly randomId: () => string,
    private readonly assertOpen: () => void,
  ) {}

  /**
   * CreateInvitation. The session must be open: the connection string names its listening addresses and key.
   */
  createInvitation(options: CreateInvitationOptions): Invitation {
    this.assertOpen();
    if (options === null || typeof options !== 'object')
      throw invalidArgument('createInvitation takes an options object');
    const groupName = text('groupName', options.groupName, false);
    const password = text('password', options.password, true);
    const attendeeLimit = validateAttendeeLimit(options.attendeeLimit);
    const authString =
      options.authString === undefined ? this.randomId() : text('authString', options.authString, false);
    if (this.byAuth.has(authString))
      throw new RdshareError('DUPLICATE', `an invitation with auth string '${authString}' exists already`);
    for (const inv of this.byAuth.values()) {
      if (inv.groupName === groupName)
        throw new RdshareError('DUPLICATE', `an invitation for group '${groupName}' exists already`);
    }
    const invitation = new Invitation(this.ticket(authString), authString, groupName, password, attendeeLimit);
    this.byAuth.set(authString, invitation);
    return invitation;
  }

  /** get_Count. */
  get count(): number {
    return this.byAuth.size;
  }

  /** get_Item: by index (creation order) or by auth string. */
  item(key: number | string): Invitation {
    const inv = typeof key === 'number' ? [...this.byAuth.values()][key] : this.byAuth.get(key);
    if (!inv)
      throw new RdshareError('NOT_FOUND', `no invitation ${typeof key === 'number' ? `at index ${key}` : `'${key}'`}`);
    return inv;
  }

  [Symbol.iterator](): Iterator<Invitation> {
    return this.byAuth.values();
  }

  /**
   * @internal Finds the invitation of a group for an attendee the app authenticated itself (no password):
   * refused when there is none, it is revoked or it has no room.
   */
  admitGroup(groupName: string, connectedWith: (inv: Invitation) => number): Invitation | AdmissionRefusal {
    let inv: Invitation | undefined;
    for (const candidate of this.byAuth.values()) if (candidate.groupName === groupName) inv = candidate;
    if (!inv) return 'unknown-invitation';
    if (inv.revoked) return 'revoked';
    if (connectedWith(inv) >= inv.attendeeLimit) return 'attendee-limit';
    return inv;
  }

  /**
   * @internal Decides whether a Client Info PDU's WorkingDir/AlternateShell admit one more attendee.
   * The password is compared in constant time, and only after the invitation was found.
   */
  admit(
    authString: string,
    password: string,
    connectedWith: (inv: Invitation) => number,
  ): Invitation | AdmissionRefusal {
    const inv = this.byAuth.get(authString);
    if (!inv) return 'unknown-invitation';
    const passwordOk = constantTimeEquals(password, inv.password);
    if (!passwordOk) return 'wrong-password';
    if (inv.revoked) return 'revoked';
    if (connectedWith(inv) >= inv.attendeeLimit) return 'attendee-limit';
    return inv;
  }
}
