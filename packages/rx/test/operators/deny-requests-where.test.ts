import { describe, it } from 'vitest';
import {
  askedLevel,
  ControlLevel,
  type ControlLevelChangeRequest,
  denyRequestsWhere,
  grantAsRequested,
} from '../../src/index.js';
import { decision, FakeAttendee, request, testScheduler } from '../fixtures.js';

const { NONE, VIEW, INTERACTIVE, REQCTRL_INTERACTIVE } = ControlLevel;
const staff = new FakeAttendee(1, 'alice', 'staff', VIEW);
const guest = new FakeAttendee(2, 'bob', 'guests', VIEW);
const guestAsksInteractive = denyRequestsWhere<FakeAttendee>(
  ({ attendee, requestedLevel }) =>
    attendee.invitation.groupName === 'guests' && askedLevel(requestedLevel) === INTERACTIVE,
);

describe('denyRequestsWhere', () => {
  it('drops the requests the predicate denies and passes the others unchanged', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const values = {
        a: request(staff, INTERACTIVE),
        b: request(guest, INTERACTIVE),
        c: request(guest, REQCTRL_INTERACTIVE),
        d: request(guest, NONE),
      };
      const e1 = hot('  -a-b-c-d-|', values);
      const e1subs = '  ^--------!';
      const expected = '-a-----d-|';
      expectObservable(e1.pipe(guestAsksInteractive)).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('feeds only the allowed requests to the grant that follows', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const e1 = cold('-a-b-c|', {
        a: request(staff, INTERACTIVE),
        b: request(guest, INTERACTIVE),
        c: request(guest, VIEW),
      });
      expectObservable(e1.pipe(guestAsksInteractive, grantAsRequested())).toBe('-x---z|', {
        x: decision(staff, INTERACTIVE, INTERACTIVE),
        z: decision(guest, VIEW, VIEW),
      });
    });
  });

  it('errors the output, and unsubscribes from the source, when the predicate throws', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a-b-c-|', {
        a: request(staff, VIEW),
        b: request(guest, VIEW),
        c: request(staff, VIEW),
      });
      const e1subs = '  ^--!';
      const failing = denyRequestsWhere<FakeAttendee>(({ attendee }) => {
        if (attendee === guest) throw new Error('directory unreachable');
        return false;
      });
      expectObservable(e1.pipe(failing)).toBe('-a-#', { a: request(staff, VIEW) }, new Error('directory unreachable'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('passes an error of the source through', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot<ControlLevelChangeRequest<FakeAttendee>>('  --#', undefined, new Error('closed'));
      expectObservable(e1.pipe(guestAsksInteractive)).toBe('--#', undefined, new Error('closed'));
      expectSubscriptions(e1.subscriptions).toBe('^-!');
    });
  });

  it('unsubscribes from the source when the output is unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('-a---a-|', { a: request(staff, VIEW) });
      expectObservable(e1.pipe(guestAsksInteractive), '--!').toBe('-a-', { a: request(staff, VIEW) });
      expectSubscriptions(e1.subscriptions).toBe('^-!');
    });
  });
});
