import type { Attendee } from './attendee.js';
import { RdshareError } from './errors.js';

/**
 * IRDPSRAPIAttendeeManager: the attendees connected now, iterable with `for...of`.
 *
 * @example
 * ```ts
 * for (const attendee of session.attendees) console.log(attendee.id, attendee.remoteName, attendee.controlLevel);
 * session.attendees.item(attendeeId).terminateConnection();
 * ```
 */
export class AttendeeManager implements Iterable<Attendee> {
  private readonly byId = new Map<number, Attendee>();

  /** Number of connected attendees. */
  get count(): number {
    return this.byId.size;
  }

  /** get_Item. */
  item(id: number): Attendee {
    const a = this.byId.get(id);
    if (!a) throw new RdshareError('NOT_FOUND', `no attendee with id ${id} is connected`);
    return a;
  }

  [Symbol.iterator](): Iterator<Attendee> {
    return this.byId.values();
  }

  /** @internal */
  add(attendee: Attendee): void {
    this.byId.set(attendee.id, attendee);
  }

  /** @internal */
  remove(attendee: Attendee): boolean {
    return this.byId.delete(attendee.id);
  }
}
