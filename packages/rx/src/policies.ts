import { filter, type MonoTypeOperatorFunction, map, type Observable } from 'rxjs';
import type { ControlLevelValue, SessionEventMap, SessionEventTypes } from './event-catalogue.js';

type Request<T extends SessionEventTypes> = SessionEventMap<T>['controlLevelChangeRequest'];

/** A control level decision: apply `level` to `attendee` (the session's `controlLevel` setter does the rest). */
export interface ControlDecision<A> {
  attendee: A;
  level: ControlLevelValue;
}

/**
 * Caps every request at `maxLevel`: a request for more is answered with `maxLevel`. With `maxLevel` = VIEW (2)
 * this is "grant view on request, never interactive".
 */
export function capRequestedLevel<T extends SessionEventTypes>(
  maxLevel: ControlLevelValue,
): (source: Observable<Request<T>>) => Observable<ControlDecision<T['attendee']>> {
  return (source) =>
    source.pipe(map(({ attendee, requestedLevel }) => ({ attendee, level: Math.min(requestedLevel, maxLevel) })));
}

/** Drops requests for which `allowed` says no, e.g. interactive requests from attendees of a given group. */
export function denyRequestsWhere<T extends SessionEventTypes>(
  denied: (request: Request<T>) => boolean,
): MonoTypeOperatorFunction<Request<T>> {
  return filter((request) => !denied(request));
}

/** Grants exactly what was asked: for trusted sessions. */
export function grantAsRequested<T extends SessionEventTypes>(): (
  source: Observable<Request<T>>,
) => Observable<ControlDecision<T['attendee']>> {
  return (source) => source.pipe(map(({ attendee, requestedLevel }) => ({ attendee, level: requestedLevel })));
}
