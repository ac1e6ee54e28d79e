import { concat, EMPTY, firstValueFrom, NEVER, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { autoDenyAfter, type ControlDecision, ControlLevel, grantRequest } from '../../src/index.js';
import { decision, FakeAttendee, request, testScheduler } from '../fixtures.js';

const { NONE, VIEW, INTERACTIVE, REQCTRL_INTERACTIVE } = ControlLevel;

describe('autoDenyAfter', () => {
  it('takes the decision the app makes in time, and denies the request it leaves undecided', () => {
    const rx = testScheduler();
    rx.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
      const bob = new FakeAttendee(2, 'bob', 'guests', NONE);
      const e1 = hot('  -a-b-----|', { a: request(alice, INTERACTIVE), b: request(bob, REQCTRL_INTERACTIVE) });
      const e1subs = '  ^--------!';
      const aliceAnswer = cold('--g|', { g: grantRequest(request(alice, INTERACTIVE)) });
      const answers = new Map<FakeAttendee, typeof aliceAnswer>([
        [alice, aliceAnswer],
        [bob, cold<ControlDecision<FakeAttendee>>('-')],
      ]);
      const expected = '---g----d|';
      expectObservable(e1.pipe(autoDenyAfter(5, (r) => answers.get(r.attendee) ?? EMPTY, rx))).toBe(expected, {
        g: decision(alice, INTERACTIVE, INTERACTIVE),
        d: decision(bob, NONE, REQCTRL_INTERACTIVE),
      });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(aliceAnswer.subscriptions).toBe('-^-!');
    });
  });

  it('denies at the deadline when the app completes without deciding', () => {
    const rx = testScheduler();
    rx.run(({ hot, expectObservable }) => {
      const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
      const e1 = hot('-a------|', { a: request(alice, INTERACTIVE) });
      expectObservable(e1.pipe(autoDenyAfter(3, () => EMPTY, rx))).toBe('----d---|', {
        d: decision(alice, VIEW, INTERACTIVE),
      });
    });
  });

  it('takes only the first decision the app emits', () => {
    const rx = testScheduler();
    rx.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
      const answer = cold('-g-n|', {
        g: decision(alice, INTERACTIVE, INTERACTIVE),
        n: decision(alice, NONE, INTERACTIVE),
      });
      const e1 = hot('-a------|', { a: request(alice, INTERACTIVE) });
      expectObservable(e1.pipe(autoDenyAfter(5, () => answer, rx))).toBe('--g-----|', {
        g: decision(alice, INTERACTIVE, INTERACTIVE),
      });
      expectSubscriptions(answer.subscriptions).toBe('-^!');
    });
  });

  it('lets a newer request of the same attendee replace the pending one', () => {
    const rx = testScheduler();
    rx.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
      const first = cold<ControlDecision<FakeAttendee>>('-');
      const second = cold<ControlDecision<FakeAttendee>>('-');
      const pending = [first, second];
      const e1 = hot('-a-b------|', { a: request(alice, INTERACTIVE), b: request(alice, VIEW) });
      expectObservable(e1.pipe(autoDenyAfter(4, () => pending.shift() ?? EMPTY, rx))).toBe('-------d--|', {
        d: decision(alice, VIEW, VIEW),
      });
      expectSubscriptions(first.subscriptions).toBe('-^-!');
      expectSubscriptions(second.subscriptions).toBe('---^---!');
    });
  });

  it('drops pending requests when the source completes (the session closed)', () => {
    const rx = testScheduler();
    const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
    rx.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const answer = cold<ControlDecision<FakeAttendee>>('-');
      const e1 = hot('  -a-|', { a: request(alice, INTERACTIVE) });
      expectObservable(e1.pipe(autoDenyAfter(5, () => answer, rx))).toBe('---|');
      expectSubscriptions(answer.subscriptions).toBe('-^-!');
    });
    expect(alice.reads).toBe(0);
  });

  it('stops its timers when the output is unsubscribed', () => {
    const rx = testScheduler();
    const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
    const bob = new FakeAttendee(2, 'bob', 'staff', VIEW);
    rx.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a-------|', { a: request(alice, INTERACTIVE) });
      expectObservable(e1.pipe(autoDenyAfter(5, () => NEVER, rx)), '---!').toBe('---');
      expectSubscriptions(e1.subscriptions).toBe('^--!');
      // The same pipeline left subscribed does compute the deny, so the count below would see a live timer.
      const e2 = hot('  -b-------|', { b: request(bob, INTERACTIVE) });
      expectObservable(e2.pipe(autoDenyAfter(5, () => NEVER, rx))).toBe('------d--|', {
        d: decision(bob, VIEW, INTERACTIVE),
      });
    });
    expect(alice.reads).toBe(0);
    expect(bob.reads).toBe(1);
  });

  it('errors the output when decide throws or its answer errors', () => {
    const rx = testScheduler();
    rx.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
      const e1 = hot('  -a-|', { a: request(alice, INTERACTIVE) });
      const throwing = () => {
        throw new Error('no dialog');
      };
      expectObservable(e1.pipe(autoDenyAfter(5, throwing, rx))).toBe('-#', undefined, new Error('no dialog'));
      expectSubscriptions(e1.subscriptions).toBe('^!');

      const e2 = hot('  -a-----|', { a: request(alice, INTERACTIVE) });
      const failing = cold<ControlDecision<FakeAttendee>>('--#', undefined, new Error('dialog crashed'));
      expectObservable(e2.pipe(autoDenyAfter(5, () => failing, rx))).toBe(
        '---#',
        undefined,
        new Error('dialog crashed'),
      );
      expectSubscriptions(e2.subscriptions).toBe('^--!');
    });
  });

  it('passes an error of the source through and drops the pending request', () => {
    const rx = testScheduler();
    const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
    rx.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a-#', { a: request(alice, INTERACTIVE) }, new Error('closed'));
      expectObservable(e1.pipe(autoDenyAfter(5, () => NEVER, rx))).toBe('---#', undefined, new Error('closed'));
      expectSubscriptions(e1.subscriptions).toBe('^--!');
    });
    expect(alice.reads).toBe(0);
  });

  it('errors the output when the attendee holds no level it could keep', () => {
    const rx = testScheduler();
    rx.run(({ hot, expectObservable }) => {
      const odd = { controlLevel: 0 };
      const e1 = hot('-a---|', { a: request(odd, INTERACTIVE) });
      expectObservable(e1.pipe(autoDenyAfter(2, () => NEVER, rx))).toBe('---#', undefined, expect.any(RangeError));
    });
  });

  it('runs on the async scheduler by default', async () => {
    const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
    const denied = await firstValueFrom(
      concat(of(request(alice, INTERACTIVE)), NEVER).pipe(autoDenyAfter(5, () => NEVER)),
    );
    expect(denied).toEqual(decision(alice, VIEW, INTERACTIVE));
  });

  it('refuses a timeout that is not a finite number of milliseconds, and a decide that is not a function', () => {
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => autoDenyAfter(ms, () => NEVER)).toThrow(RangeError);
    }
    expect(() => autoDenyAfter(5, undefined as never)).toThrow(/decide must be a function/);
    expect(() => autoDenyAfter(5, () => throwError(() => new Error('x')))).not.toThrow();
  });
});
