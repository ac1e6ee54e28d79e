import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { capRequestedLevel, denyRequestsWhere, EventHub, grantAsRequested, SESSION_EVENT_NAMES } from '../src/index.js';

interface Types {
  attendee: { id: number; group: string };
  disconnectInfo: unknown;
  application: unknown;
  window: unknown;
  channel: unknown;
}

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const a1 = { id: 1, group: 'staff' };
const a2 = { id: 2, group: 'guests' };

describe('EventHub', () => {
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
    hub.publish('attendeeConnected', { attendee: a1 });
    hub.publish('attendeeUpdate', { attendee: a2 });
    expect(connected).toEqual([1]);
    expect(updated).toEqual([2]);
  });

  it('completes every stream on complete()', () => {
    const hub = new EventHub<Types>();
    let completed = 0;
    hub.events.attendeeConnected$.subscribe({ complete: () => completed++ });
    hub.events.error$.subscribe({ complete: () => completed++ });
    hub.complete();
    expect(completed).toBe(2);
  });
});

describe('control policies (marbles)', () => {
  it('capRequestedLevel grants view but never interactive', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const requests = cold('-a-b|', {
        a: { attendee: a1, requestedLevel: 3 },
        b: { attendee: a2, requestedLevel: 2 },
      });
      expectObservable(requests.pipe(capRequestedLevel<Types>(2))).toBe('-x-y|', {
        x: { attendee: a1, level: 2 },
        y: { attendee: a2, level: 2 },
      });
    });
  });

  it('denyRequestsWhere drops interactive requests from one group', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const requests = cold('-a-b-c|', {
        a: { attendee: a1, requestedLevel: 3 },
        b: { attendee: a2, requestedLevel: 3 },
        c: { attendee: a2, requestedLevel: 2 },
      });
      const policy = requests.pipe(
        denyRequestsWhere<Types>((r) => r.attendee.group === 'guests' && r.requestedLevel === 3),
        grantAsRequested<Types>(),
      );
      expectObservable(policy).toBe('-x---z|', {
        x: { attendee: a1, level: 3 },
        z: { attendee: a2, level: 2 },
      });
    });
  });
});
