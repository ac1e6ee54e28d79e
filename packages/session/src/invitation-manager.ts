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

const MAX_TEXT = 255;

function text(name: string, value: unknown, allowEmpty: boolean): string {
  if (typeof value !== 'string') throw invalidArgument(`${name} must be a string, got ${typeof value}`);
  if (!allowEmpty && value.length === 0) throw invalidArgument(`${name} must not be empty`);
  if (value.length > MAX_TEXT)
    throw invalidArgument(`${name} must be at most ${MAX_TEXT} characters, got ${value.length}`);
  return value;
}

/**
 * IRDPSRAPIInvitationManager: creates invitations and finds the one an attendee presents.
 *
 * @example
 * ```ts
 * const session = new RdpSession();
 * await session.open();
 * const invitation = session.invitations.createInvitation({ groupName: 'team', password: 's3cret', attendeeLimit: 5 });
 * for (const each of session.invitations) console.log(each.groupName, each.revoked);
 * ```
 */
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
   *
   * @example
   * ```ts
   * const invitation = session.invitations.createInvitation({ groupName: 'support', password: 'pw', attendeeLimit: 1 });
   * writeFileSync('ticket.msrcIncident', invitation.connectionString); // xfreerdp ticket.msrcIncident /assistance:pw
   * ```
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

  /** @internal The invitation with this auth string, if any. */
  find(authString: string): Invitation | undefined {
    return this.byAuth.get(authString);
  }

  /** @internal The invitation of a group, if any (group names are unique). */
  findGroup(groupName: string): Invitation | undefined {
    for (const inv of this.byAuth.values()) if (inv.groupName === groupName) return inv;
    return undefined;
  }
}
