import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { ControlLevelChangeRequest } from '../event-catalogue.js';

/**
 * Drops the requests `denied` says no to, so the operators after it never grant them; the attendees keep their
 * level. A predicate that throws errors the output.
 *
 * @param denied Called for each request; `true` drops it.
 * @example
 * ```ts
 * import { applyDecisions, ControlLevel, askedLevel, denyRequestsWhere, grantAsRequested } from '@rdshare/rx';
 * session.events.controlLevelChangeRequest$
 *   .pipe(
 *     denyRequestsWhere(
 *       ({ attendee, requestedLevel }) =>
 *         attendee.invitation.groupName === 'guests' && askedLevel(requestedLevel) === ControlLevel.INTERACTIVE,
 *     ),
 *     grantAsRequested(),
 *     applyDecisions(),
 *   )
 *   .subscribe();
 * ```
 */
export function denyRequestsWhere<A>(
  denied: (request: ControlLevelChangeRequest<A>) => boolean,
): MonoTypeOperatorFunction<ControlLevelChangeRequest<A>> {
  return filter((request) => !denied(request));
}
