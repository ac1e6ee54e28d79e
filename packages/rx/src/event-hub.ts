import { type Observable, Subject } from 'rxjs';
import { SESSION_EVENT_NAMES, type SessionEventMap, type SessionEventTypes } from './event-catalogue.js';

/** `attendeeConnected$`, `controlLevelChangeRequest$`, ...: one hot observable per event of the catalogue. */
export type SessionEvents<T extends SessionEventTypes = SessionEventTypes> = {
  readonly [K in keyof SessionEventMap<T> as `${K & string}$`]: Observable<SessionEventMap<T>[K]>;
};

/**
 * Where a session or viewer publishes its events. Subscribers get the observables (`hub.events`); only the
 * owner holds the hub and its `publish`. Observables are hot and do not replay: subscribe before `open()`.
 */
export class EventHub<T extends SessionEventTypes = SessionEventTypes> {
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
   * (`config.onUnhandledError`), so a faulty handler never unwinds into the publisher's protocol loop.
   */
  publish<K extends keyof SessionEventMap<T>>(name: K, payload: SessionEventMap<T>[K]): void {
    const subject = this.subjects.get(name as string);
    if (!subject) throw new TypeError(`unknown session event '${String(name)}'`);
    subject.next(payload);
  }

  /** Completes every observable; subscribers see `complete`. */
  complete(): void {
    for (const subject of this.subjects.values()) subject.complete();
  }
}
