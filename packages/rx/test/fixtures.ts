import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import {
  type AttendeeLike,
  type ControlDecision,
  type ControlLevel,
  type ControlLevelChangeRequest,
  type GrantableControlLevel,
  isGrantableControlLevel,
} from '../src/index.js';

/** A TestScheduler that compares frames with vitest's deep equality, as rxjs's own specs do with chai. */
export const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/**
 * An attendee like the session's: its setter refuses levels an attendee cannot hold, and it counts reads of
 * `controlLevel` so a test can tell whether a deny was ever computed.
 */
export class FakeAttendee implements AttendeeLike {
  reads = 0;
  private level: GrantableControlLevel;

  constructor(
    readonly id: number,
    readonly remoteName: string,
    groupName: string,
    level: GrantableControlLevel,
  ) {
    this.invitation = { groupName };
    this.level = level;
  }

  readonly invitation: { readonly groupName: string };

  get controlLevel(): GrantableControlLevel {
    this.reads++;
    return this.level;
  }

  set controlLevel(level: GrantableControlLevel) {
    if (!isGrantableControlLevel(level)) throw new RangeError(`invalid control level ${level}`);
    this.level = level;
  }
}

export const request = <A>(attendee: A, requestedLevel: ControlLevel): ControlLevelChangeRequest<A> => ({
  attendee,
  requestedLevel,
});

export const decision = <A>(
  attendee: A,
  level: GrantableControlLevel,
  requestedLevel?: ControlLevel,
): ControlDecision<A> => (requestedLevel === undefined ? { attendee, level } : { attendee, level, requestedLevel });
