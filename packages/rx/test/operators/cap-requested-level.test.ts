import { describe, expect, it } from 'vitest';
import { ControlLevel, capRequestedLevel, type GrantableControlLevel } from '../../src/index.js';
import { decision, FakeAttendee, request, testScheduler } from '../fixtures.js';

const { NONE, VIEW, INTERACTIVE, REQCTRL_VIEW, REQCTRL_INTERACTIVE } = ControlLevel;
const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
const bob = new FakeAttendee(2, 'bob', 'guests', NONE);

describe('capRequestedLevel', () => {
  it('grants view but never interactive when capped at VIEW', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a-b-c-|', {
        a: request(alice, INTERACTIVE),
        b: request(bob, VIEW),
        c: request(bob, REQCTRL_INTERACTIVE),
      });
      const e1subs = '  ^------!';
      const expected = '-x-y-z-|';
      expectObservable(e1.pipe(capRequestedLevel(VIEW))).toBe(expected, {
        x: decision(alice, VIEW, INTERACTIVE),
        y: decision(bob, VIEW, VIEW),
        z: decision(bob, VIEW, REQCTRL_INTERACTIVE),
      });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('reads REQCTRL_VIEW as a request for VIEW, not as a level above the cap', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const e1 = cold('-a-b|', { a: request(alice, REQCTRL_VIEW), b: request(bob, NONE) });
      expectObservable(e1.pipe(capRequestedLevel(INTERACTIVE))).toBe('-x-y|', {
        x: decision(alice, VIEW, REQCTRL_VIEW),
        y: decision(bob, NONE, NONE),
      });
    });
  });

  it('passes an error of the source through', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a-#', { a: request(alice, INTERACTIVE) }, new Error('socket closed'));
      const e1subs = '  ^--!';
      expectObservable(e1.pipe(capRequestedLevel(VIEW))).toBe(
        '-x-#',
        { x: decision(alice, VIEW, INTERACTIVE) },
        new Error('socket closed'),
      );
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('unsubscribes from the source when the output is unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a---b-|', { a: request(alice, VIEW), b: request(bob, VIEW) });
      const unsub = '   ---!';
      const e1subs = '  ^--!';
      expectObservable(e1.pipe(capRequestedLevel(VIEW)), unsub).toBe('-x-', {
        x: decision(alice, VIEW, VIEW),
      });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('refuses a cap that is not a level an attendee can hold', () => {
    for (const bad of [0, REQCTRL_VIEW, REQCTRL_INTERACTIVE, 2.5, Number.NaN]) {
      expect(() => capRequestedLevel(bad as GrantableControlLevel)).toThrow(RangeError);
    }
    expect(() => capRequestedLevel<FakeAttendee>(REQCTRL_INTERACTIVE as GrantableControlLevel)).toThrow(
      /capRequestedLevel\(maxLevel\) must be ControlLevel.NONE \(1\), VIEW \(2\) or INTERACTIVE \(3\), got 5/,
    );
  });
});
