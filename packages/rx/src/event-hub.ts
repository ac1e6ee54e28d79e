import { type Observable, Subject } from 'rxjs';
import { SESSION_EVENT_NAMES, type SessionEventMap } from './event-catalogue.js';
import type { SessionEventTypeBindings, SessionEventTypes } from './event-object-types.js';

/**
 * `_IRDPSessionEvents` as observables: `attendeeConnected$`, `controlLevelChangeRequest$`, ..., one hot observable
 * per event of the catalogue, typed with the publisher's object types.
 *
 * @example
 * ```ts
 * session.events.attendeeConnected$.subscribe(({ attendee }) => console.log(`${attendee.remoteName} joined`));
 * ```
 */
export type SessionEvents<T extends SessionEventTypeBindings = SessionEventTypes> = {
  readonly [K in keyof SessionEventMap<T> as `${K & string}$`]: Observable<SessionEventMap<T>[K]>;
};

/**
 * Where a session or viewer publishes its events (the connection point of `_IRDPSessionEvents`). Subscribers get
 * the observables (`hub.events`); only the owner holds the hub and its `publish`. The observables are hot and do
 * not replay: an event reaches those subscribed when it is published, so subscribe before `open()`.
 *
 * @example
 * ```ts
 * const hub = new EventHub<RdpSessionEventTypes>();
 * hub.events.attendeeConnected$.subscribe(({ attendee }) => console.log(attendee.id));
 * hub.publish('attendeeConnected', { attendee });
 * hub.complete();
 * ```
 */
export class EventHub<T extends SessionEventTypeBindings = SessionEventTypes> {
  private readonly subjects = new Map<string, Subject<unknown>>();
  readonly events: SessionEvents<T>;

  constructor() {
    const events: Record<string, Observable<unknown>> = {};
    for (const name of SESSION_EVENT_NAMES) {
      const subject = new Subject<unknown>();
      this.subjects.set(name, subject);
      events[`${name}$`] = subject.asObservable();
    }
    this.events = events as SessionEvents<T>;
  }

  /**
   * Delivers an event to current subscribers. RxJS reports an error thrown by a subscriber asynchronously
   * (`config.onUnhandledError`), so a faulty handler never unwinds into the publisher's protocol loop and the
   * other subscribers still get the event. After `complete()` publishing does nothing.
   */
  publish<K extends keyof SessionEventMap<T>>(name: K, payload: SessionEventMap<T>[K]): void {
    const subject = this.subjects.get(name as string);
    if (!subject) throw new TypeError(`unknown session event '${String(name)}'`);
    subject.next(payload);
  }

  /** Completes every observable: current subscribers see `complete`, later ones complete at once. */
  complete(): void {
    for (const subject of this.subjects.values()) subject.complete();
  }
}
