import { config, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type BindSessionEventTypes, EventHub, SESSION_EVENT_NAMES } from '../src/index.js';
import { FakeAttendee, testScheduler } from './fixtures.js';

type Types = BindSessionEventTypes<{ attendee: FakeAttendee }>;
const alice = new FakeAttendee(1, 'alice', 'staff', 2);
const bob = new FakeAttendee(2, 'bob', 'guests', 2);
const carol = new FakeAttendee(3, 'carol', 'guests', 2);

describe('EventHub', () => {
  const savedOnUnhandledError = config.onUnhandledError;
  afterEach(() => {
    config.onUnhandledError = savedOnUnhandledError;
  });

  it('exposes one observable per _IRDPSessionEvents event', () => {
    const hub = new EventHub<Types>();
    for (const name of SESSION_EVENT_NAMES) expect(hub.events).toHaveProperty(`${name}$`);
    expect(Object.keys(hub.events)).toHaveLength(SESSION_EVENT_NAMES.length);
  });

  it('delivers published events to subscribers of that event only', () => {
    const hub = new EventHub<Types>();
    const connected: number[] = [];
    const updated: number[] = [];
    hub.events.attendeeConnected$.subscribe(({ attendee }) => connected.push(attendee.id));
    hub.events.attendeeUpdate$.subscribe(({ attendee }) => updated.push(attendee.id));
    hub.publish('attendeeConnected', { attendee: alice });
    hub.publish('attendeeUpdate', { attendee: bob });
    expect(connected).toEqual([1]);
    expect(updated).toEqual([2]);
  });

  it('does not replay: a late subscriber sees only later events, and every subscriber the completion', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const hub = new EventHub<Types>();
      const published = hot('-a-b-c-|', { a: alice, b: bob, c: carol });
      published.subscribe({
        next: (attendee) => hub.publish('attendeeConnected', { attendee }),
        complete: () => hub.complete(),
      });
      const values = { a: { attendee: alice }, b: { attendee: bob }, c: { attendee: carol } };
      expectObservable(hub.events.attendeeConnected$).toBe('-a-b-c-|', values);
      expectObservable(hub.events.attendeeConnected$, '----^').toBe('-----c-|', values);
      expectObservable(hub.events.attendeeConnected$, '--------^').toBe('--------|');
    });
  });

  it('completes every observable of the catalogue on complete(), and ignores later publishing', () => {
    const hub = new EventHub<Types>();
    const completed = new Set<string>();
    const received: unknown[] = [];
    for (const [key, events$] of Object.entries(hub.events) as [string, Observable<unknown>][]) {
      events$.subscribe({ next: (e) => received.push(e), complete: () => completed.add(key) });
    }
    hub.complete();
    expect([...completed].sort()).toEqual(SESSION_EVENT_NAMES.map((n) => `${n}$`).sort());
    expect(() => hub.publish('attendeeConnected', { attendee: alice })).not.toThrow();
    expect(received).toEqual([]);
  });

  it('keeps publishing to every subscriber when one of them throws, reporting the error asynchronously', async () => {
    const reported: unknown[] = [];
    config.onUnhandledError = (err) => reported.push(err);
    const hub = new EventHub<Types>();
    const seenByHealthy: number[] = [];
    let seenByFaulty = 0;
    hub.events.attendeeConnected$.subscribe(() => {
      seenByFaulty++;
      throw new Error('app handler bug');
    });
    hub.events.attendeeConnected$.subscribe(({ attendee }) => seenByHealthy.push(attendee.id));

    expect(() => hub.publish('attendeeConnected', { attendee: alice })).not.toThrow();
    expect(() => hub.publish('attendeeConnected', { attendee: bob })).not.toThrow();
    expect(seenByHealthy).toEqual([1, 2]);
    expect(seenByFaulty).toBe(2);
    expect(reported).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reported).toEqual([new Error('app handler bug'), new Error('app handler bug')]);
  });

  it('refuses an event name outside the catalogue', () => {
    const hub = new EventHub<Types>();
    expect(() => hub.publish('onAttendeeConnected' as 'attendeeConnected', { attendee: alice })).toThrow(
      /unknown session event 'onAttendeeConnected'/,
    );
  });
});
