import {
  asyncScheduler,
  connect,
  endWith,
  filter,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  type ObservableInput,
  type OperatorFunction,
  type SchedulerLike,
  take,
  takeUntil,
  timer,
} from 'rxjs';
import { type ControlDecision, type ControllableAttendee, denyRequest } from '../control-decision.js';
import type { ControlLevelChangeRequest } from '../event-catalogue.js';

/**
 * Lets the app decide each request (`decide`, e.g. by asking the person sharing) and denies it when no decision
 * comes within `ms`: the attendee keeps its level. The first decision `decide` emits is taken; a newer request from
 * the same attendee replaces a pending one (its timer and `decide` are dropped); when the source completes (the
 * session closed) pending requests are dropped. A `decide` that throws or errors errors the output.
 *
 * @param ms How long a request may wait for the app, in milliseconds (finite, not negative).
 * @param decide The app's decision for one request: an Observable, Promise, ... of decisions.
 * @param scheduler Where the timers run; a `TestScheduler` in tests.
 * @example
 * ```ts
 * import { applyDecisions, autoDenyAfter, denyRequest, grantRequest } from '@rdshare/rx';
 * session.events.controlLevelChangeRequest$
 *   .pipe(
 *     autoDenyAfter(30_000, async (request) => {
 *       const yes = await dialog.confirm(`${request.attendee.remoteName} asks for control`);
 *       return yes ? grantRequest(request) : denyRequest(request);
 *     }),
 *     applyDecisions(),
 *   )
 *   .subscribe();
 * ```
 */
export function autoDenyAfter<A extends ControllableAttendee>(
  ms: number,
  decide: (request: ControlLevelChangeRequest<A>) => ObservableInput<ControlDecision<A>>,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<ControlLevelChangeRequest<A>, ControlDecision<A>> {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`autoDenyAfter(ms) must be a finite number of milliseconds >= 0, got ${ms}`);
  }
  if (typeof decide !== 'function') throw new TypeError('autoDenyAfter(ms, decide): decide must be a function');
  return connect((requests) =>
    requests.pipe(
      mergeMap((request) =>
        merge(from(decide(request)).pipe(take(1)), timer(ms, scheduler).pipe(map(() => denyRequest(request)))).pipe(
          take(1),
          takeUntil(requests.pipe(filter((next) => next.attendee === request.attendee))),
        ),
      ),
      takeUntil(requests.pipe(ignoreElements(), endWith(true))),
    ),
  );
}
