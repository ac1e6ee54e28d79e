import { describe, it } from 'vitest';
import { ControlLevel, singleInteractive } from '../../src/index.js';
import { decision, FakeAttendee, testScheduler } from '../fixtures.js';

const { NONE, VIEW, INTERACTIVE, REQCTRL_INTERACTIVE } = ControlLevel;
const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
const bob = new FakeAttendee(2, 'bob', 'staff', VIEW);
const carol = new FakeAttendee(3, 'carol', 'staff', VIEW);

describe('singleInteractive', () => {
  it('demotes the previous holder to VIEW before granting INTERACTIVE to another attendee', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a--b-------c---|', {
        a: decision(alice, INTERACTIVE, INTERACTIVE),
        b: decision(bob, INTERACTIVE, REQCTRL_INTERACTIVE),
        c: decision(carol, INTERACTIVE, INTERACTIVE),
      });
      const e1subs = '  ^---------------!';
      const expected = '-a--(db)----(ec)|';
      expectObservable(e1.pipe(singleInteractive())).toBe(expected, {
        a: decision(alice, INTERACTIVE, INTERACTIVE),
        d: decision(alice, VIEW),
        b: decision(bob, INTERACTIVE, REQCTRL_INTERACTIVE),
        e: decision(bob, VIEW),
        c: decision(carol, INTERACTIVE, INTERACTIVE),
      });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('passes other decisions through and demotes nobody when the holder is granted again', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        a: decision(alice, INTERACTIVE, INTERACTIVE),
        v: decision(bob, VIEW, VIEW),
        n: decision(carol, NONE),
      };
      expectObservable(cold('-a-v-a-n|', values).pipe(singleInteractive())).toBe('-a-v-a-n|', values);
    });
  });

  it('forgets the holder once a decision lowers it', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        a: decision(alice, INTERACTIVE, INTERACTIVE),
        l: decision(alice, VIEW, VIEW),
        b: decision(bob, INTERACTIVE, INTERACTIVE),
      };
      expectObservable(cold('-a-l-b|', values).pipe(singleInteractive())).toBe('-a-l-b|', values);
    });
  });

  it('keeps a holder per subscription', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const policy = singleInteractive<FakeAttendee>();
      const a = { a: decision(alice, INTERACTIVE, INTERACTIVE) };
      const b = { b: decision(bob, INTERACTIVE, INTERACTIVE) };
      expectObservable(cold('-a|', a).pipe(policy)).toBe('-a|', a);
      expectObservable(cold('--b|', b).pipe(policy)).toBe('--b|', b);
    });
  });

  it('passes an error of the source through', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const values = { a: decision(alice, INTERACTIVE, INTERACTIVE) };
      const e1 = hot('-a-#', values, new Error('closed'));
      expectObservable(e1.pipe(singleInteractive())).toBe('-a-#', values, new Error('closed'));
      expectSubscriptions(e1.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes from the source when the output is unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const values = { a: decision(alice, INTERACTIVE, INTERACTIVE) };
      const e1 = hot('-a--a-|', values);
      expectObservable(e1.pipe(singleInteractive()), '--!').toBe('-a-', values);
      expectSubscriptions(e1.subscriptions).toBe('^-!');
    });
  });
});
