import { type MonoTypeOperatorFunction, tap } from 'rxjs';
import type { ControlDecision, ControllableAttendee } from '../control-decision.js';
import type { ControlLevel } from '../control-level.js';

/** A decision that answers a request, as `applyDecisions` hands it to its `respond` callback. */
export type ControlResponse<A> = ControlDecision<A> & { readonly requestedLevel: ControlLevel };

/**
 * Applies each decision with `attendee.controlLevel = level` (IRDPSRAPIAttendee::put_ControlLevel, which the
 * session announces to every viewer), then, for a decision that answers a request, calls `respond`: the place
 * for `sendControlLevelChangeResponse` (IRDPSRAPISharingSession2), which viewers that understand it show to their
 * user. Decisions pass through, so subscribing runs the policy; a setter or `respond` that throws errors the output.
 *
 * @param respond Called after the level is set, only for decisions with a `requestedLevel`.
 * @example
 * ```ts
 * import { applyDecisions, askedLevel, autoDenyAfter } from '@rdshare/rx';
 * session.events.controlLevelChangeRequest$
 *   .pipe(
 *     autoDenyAfter(30_000, (request) => askTheHost(request)),
 *     applyDecisions((d) => {
 *       const granted = d.level === askedLevel(d.requestedLevel);
 *       session.sendControlLevelChangeResponse(d.attendee, d.requestedLevel, granted ? 0 : 1);
 *     }),
 *   )
 *   .subscribe();
 * ```
 */
export function applyDecisions<A extends ControllableAttendee>(
  respond?: (response: ControlResponse<A>) => void,
): MonoTypeOperatorFunction<ControlDecision<A>> {
  return tap((decision) => {
    decision.attendee.controlLevel = decision.level;
    if (respond && decision.requestedLevel !== undefined) respond(decision as ControlResponse<A>);
  });
}
