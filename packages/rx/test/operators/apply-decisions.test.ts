import { describe, expect, it } from 'vitest';
import {
  applyDecisions,
  type ControlDecision,
  ControlLevel,
  type ControlResponse,
  type GrantableControlLevel,
} from '../../src/index.js';
import { decision, FakeAttendee, testScheduler } from '../fixtures.js';

const { NONE, VIEW, INTERACTIVE, REQCTRL_INTERACTIVE } = ControlLevel;

describe('applyDecisions', () => {
  it("sets each attendee's level, answers the requests among them, and passes the decisions on", () => {
    const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
    const bob = new FakeAttendee(2, 'bob', 'staff', INTERACTIVE);
    const responses: [number, GrantableControlLevel, number][] = [];
    const levelsWhenAnswered: number[] = [];
    const respond = (r: ControlResponse<FakeAttendee>) => {
      responses.push([r.attendee.id, r.level, r.requestedLevel]);
      levelsWhenAnswered.push(r.attendee.controlLevel);
    };
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const values = {
        d: decision(bob, VIEW),
        g: decision(alice, INTERACTIVE, REQCTRL_INTERACTIVE),
      };
      const e1 = hot('  -d-g-|', values);
      expectObservable(e1.pipe(applyDecisions(respond))).toBe('-d-g-|', values);
      expectSubscriptions(e1.subscriptions).toBe('^----!');
    });
    expect(alice.controlLevel).toBe(INTERACTIVE);
    expect(bob.controlLevel).toBe(VIEW);
    expect(responses).toEqual([[1, INTERACTIVE, REQCTRL_INTERACTIVE]]);
    expect(levelsWhenAnswered).toEqual([INTERACTIVE]);
  });

  it('applies without answering when no respond is given', () => {
    const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { n: decision(alice, NONE, NONE) };
      expectObservable(cold('n|', values).pipe(applyDecisions())).toBe('n|', values);
    });
    expect(alice.controlLevel).toBe(NONE);
  });

  it('errors the output when the setter refuses the level', () => {
    const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a-|', { a: decision(alice, REQCTRL_INTERACTIVE as GrantableControlLevel) });
      expectObservable(e1.pipe(applyDecisions())).toBe('-#', undefined, new RangeError('invalid control level 5'));
      expectSubscriptions(e1.subscriptions).toBe('^!');
    });
    expect(alice.controlLevel).toBe(VIEW);
  });

  it('errors the output when respond throws', () => {
    const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
    testScheduler().run(({ hot, expectObservable }) => {
      const e1 = hot('-a-|', { a: decision(alice, INTERACTIVE, INTERACTIVE) });
      const respond = () => {
        throw new Error('peer gone');
      };
      expectObservable(e1.pipe(applyDecisions(respond))).toBe('-#', undefined, new Error('peer gone'));
    });
  });

  it('passes an error of the source through', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot<ControlDecision<FakeAttendee>>('--#', undefined, new Error('closed'));
      expectObservable(e1.pipe(applyDecisions())).toBe('--#', undefined, new Error('closed'));
      expectSubscriptions(e1.subscriptions).toBe('^-!');
    });
  });

  it('applies nothing after the output is unsubscribed', () => {
    const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('-a---b-|', { a: decision(alice, INTERACTIVE), b: decision(alice, NONE) });
      expectObservable(e1.pipe(applyDecisions()), '--!').toBe('-a-', { a: decision(alice, INTERACTIVE) });
      expectSubscriptions(e1.subscriptions).toBe('^-!');
    });
    expect(alice.controlLevel).toBe(INTERACTIVE);
  });
});
