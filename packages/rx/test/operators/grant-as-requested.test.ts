import { describe, it } from 'vitest';
import { ControlLevel, grantAsRequested } from '../../src/index.js';
import { decision, FakeAttendee, request, testScheduler } from '../fixtures.js';

const { NONE, VIEW, INTERACTIVE, REQCTRL_VIEW, REQCTRL_INTERACTIVE } = ControlLevel;
const alice = new FakeAttendee(1, 'alice', 'staff', NONE);

describe('grantAsRequested', () => {
  it('grants each request the level it asks for, REQCTRL_* meaning VIEW / INTERACTIVE', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a-b-c-d-e-|', {
        a: request(alice, VIEW),
        b: request(alice, INTERACTIVE),
        c: request(alice, REQCTRL_VIEW),
        d: request(alice, REQCTRL_INTERACTIVE),
        e: request(alice, NONE),
      });
      const e1subs = '  ^----------!';
      const expected = '-v-i-w-j-n-|';
      expectObservable(e1.pipe(grantAsRequested())).toBe(expected, {
        v: decision(alice, VIEW, VIEW),
        i: decision(alice, INTERACTIVE, INTERACTIVE),
        w: decision(alice, VIEW, REQCTRL_VIEW),
        j: decision(alice, INTERACTIVE, REQCTRL_INTERACTIVE),
        n: decision(alice, NONE, NONE),
      });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('passes an error of the source through', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a-#', { a: request(alice, VIEW) }, new Error('closed'));
      expectObservable(e1.pipe(grantAsRequested())).toBe(
        '-x-#',
        { x: decision(alice, VIEW, VIEW) },
        new Error('closed'),
      );
      expectSubscriptions(e1.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes from the source when the output is unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('-a--a-|', { a: request(alice, VIEW) });
      expectObservable(e1.pipe(grantAsRequested()), '--!').toBe('-x-', { x: decision(alice, VIEW, VIEW) });
      expectSubscriptions(e1.subscriptions).toBe('^-!');
    });
  });
});
