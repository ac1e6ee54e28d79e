import type { Observable } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ApplicationLike,
  type AttendeeDisconnectInfoLike,
  type AttendeeLike,
  type BindSessionEventTypes,
  type ControlLevel,
  SESSION_EVENT_NAMES,
  type SessionEventName,
  type SessionEvents,
  type VirtualChannelLike,
  type WindowLike,
} from '../src/index.js';

describe('the _IRDPSessionEvents catalogue', () => {
  it('lists every event once, in DISPID order (301 to 325, then 338 and 340)', () => {
    expect(new Set(SESSION_EVENT_NAMES).size).toBe(SESSION_EVENT_NAMES.length);
    expect(SESSION_EVENT_NAMES).toHaveLength(25);
    expect(SESSION_EVENT_NAMES[0]).toBe('attendeeConnected');
    expect(SESSION_EVENT_NAMES.slice(-2)).toEqual(['controlLevelChangeResponse', 'viewingSizeChanged']);
    expectTypeOf<Exclude<SessionEventName, (typeof SESSION_EVENT_NAMES)[number]>>().toEqualTypeOf<never>();
  });

  it('types every payload, with structural defaults where the publisher binds nothing', () => {
    expectTypeOf<SessionEvents['attendeeConnected$']>().toEqualTypeOf<
      Observable<{ readonly attendee: AttendeeLike }>
    >();
    expectTypeOf<SessionEvents['attendeeDisconnected$']>().toEqualTypeOf<
      Observable<{ readonly info: AttendeeDisconnectInfoLike }>
    >();
    expectTypeOf<SessionEvents['applicationOpen$']>().toEqualTypeOf<
      Observable<{ readonly application: ApplicationLike }>
    >();
    expectTypeOf<SessionEvents['windowUpdate$']>().toEqualTypeOf<Observable<{ readonly window: WindowLike }>>();
    expectTypeOf<SessionEvents['channelDataReceived$']>().toEqualTypeOf<
      Observable<{ readonly channel: VirtualChannelLike; readonly attendeeId: number; readonly data: Uint8Array }>
    >();
    expectTypeOf<SessionEvents['controlLevelChangeResponse$']>().toEqualTypeOf<
      Observable<{
        readonly attendee: AttendeeLike;
        readonly requestedLevel: ControlLevel;
        readonly reasonCode: number;
      }>
    >();
    expectTypeOf<SessionEvents['error$']>().toEqualTypeOf<
      Observable<{ readonly error: Error; readonly attendee?: AttendeeLike }>
    >();
  });

  it('binds the object types a publisher names and keeps the defaults for the rest', () => {
    class Channel {
      constructor(readonly name: string) {}
    }
    type Bound = BindSessionEventTypes<{ channel: Channel }>;
    expectTypeOf<Bound['channel']>().toEqualTypeOf<Channel>();
    expectTypeOf<Bound['attendee']>().toEqualTypeOf<AttendeeLike>();
    expectTypeOf<SessionEvents<Bound>['channelDataSent$']>().toEqualTypeOf<
      Observable<{ readonly channel: Channel; readonly attendeeId: number; readonly bytesSent: number }>
    >();
  });
});
