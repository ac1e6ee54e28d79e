import { describe, expect, it } from 'vitest';
import { ControlLevel, type GrantableControlLevel, grantToGroup } from '../../src/index.js';
import { decision, FakeAttendee, request, testScheduler } from '../fixtures.js';

const { NONE, VIEW, INTERACTIVE, REQCTRL_VIEW, REQCTRL_INTERACTIVE } = ControlLevel;
const support = new FakeAttendee(1, 'alice', 'support', VIEW);
const guest = new FakeAttendee(2, 'bob', 'guests', VIEW);

describe('grantToGroup', () => {
  it('grants the requests of that invitation group up to the level, and drops the others', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a-b-c-d-|', {
        a: request(support, REQCTRL_INTERACTIVE),
        b: request(guest, INTERACTIVE),
        c: request(support, REQCTRL_VIEW),
        d: request(guest, VIEW),
      });
      const e1subs = '  ^--------!';
      const expected = '-x---y---|';
      expectObservable(e1.pipe(grantToGroup('support', INTERACTIVE))).toBe(expected, {
        x: decision(support, INTERACTIVE, REQCTRL_INTERACTIVE),
        y: decision(support, VIEW, REQCTRL_VIEW),
      });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('gives no more than the level, even to a member of the group', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const e1 = cold('-a|', { a: request(support, INTERACTIVE) });
      expectObservable(e1.pipe(grantToGroup('support', VIEW))).toBe('-x|', {
        x: decision(support, VIEW, INTERACTIVE),
      });
    });
  });

  it('passes an error of the source through', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -b-#', { b: request(guest, VIEW) }, new Error('closed'));
      expectObservable(e1.pipe(grantToGroup('support', VIEW))).toBe('---#', undefined, new Error('closed'));
      expectSubscriptions(e1.subscriptions).toBe('^--!');
    });
  });

  it('errors the output when an attendee has no invitation to read the group from', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const broken = { invitation: undefined } as unknown as FakeAttendee;
      const e1 = hot('  -a-|', { a: request(broken, VIEW) });
      expectObservable(e1.pipe(grantToGroup('support', VIEW))).toBe('-#', undefined, expect.any(TypeError));
      expectSubscriptions(e1.subscriptions).toBe('^!');
    });
  });

  it('unsubscribes from the source when the output is unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('-a--a-|', { a: request(support, VIEW) });
      expectObservable(e1.pipe(grantToGroup('support', VIEW)), '--!').toBe('-x-', {
        x: decision(support, VIEW, VIEW),
      });
      expectSubscriptions(e1.subscriptions).toBe('^-!');
    });
  });

  it('refuses a level an attendee cannot hold and a group name that is not a string', () => {
    expect(() => grantToGroup('support', REQCTRL_INTERACTIVE as GrantableControlLevel)).toThrow(
      /grantToGroup\(level\) must be ControlLevel.NONE \(1\), VIEW \(2\) or INTERACTIVE \(3\), got 5/,
    );
    expect(() => grantToGroup(7 as unknown as string, NONE)).toThrow(TypeError);
  });
});
