import { map, type OperatorFunction } from 'rxjs';
import { type ControlDecision, grantRequest } from '../control-decision.js';
import type { ControlLevelChangeRequest } from '../event-catalogue.js';

/**
 * Grants exactly what each request asks for (REQCTRL_VIEW / REQCTRL_INTERACTIVE become VIEW / INTERACTIVE): for
 * sessions where every attendee is trusted, or after `denyRequestsWhere` removed the others.
 *
 * @example
 * ```ts
 * import { applyDecisions, grantAsRequested } from '@rdshare/rx';
 * session.events.controlLevelChangeRequest$.pipe(grantAsRequested(), applyDecisions()).subscribe();
 * ```
 */
export function grantAsRequested<A>(): OperatorFunction<ControlLevelChangeRequest<A>, ControlDecision<A>> {
  return map((request) => grantRequest(request));
}
