import { map, type OperatorFunction } from 'rxjs';
import { type ControlDecision, grantRequest } from '../control-decision.js';
import { assertGrantable, type GrantableControlLevel } from '../control-level.js';
import type { ControlLevelChangeRequest } from '../event-catalogue.js';

/**
 * Grants every request, capped at `maxLevel`: a request for more gets `maxLevel`, a request for less gets what it
 * asked. With `maxLevel` = VIEW this is "grant view on request, never interactive".
 *
 * @param maxLevel The most any request gets: ControlLevel.NONE, VIEW or INTERACTIVE (else a RangeError).
 * @example
 * ```ts
 * import { applyDecisions, capRequestedLevel, ControlLevel } from '@rdshare/rx';
 * session.events.controlLevelChangeRequest$
 *   .pipe(capRequestedLevel(ControlLevel.VIEW), applyDecisions())
 *   .subscribe();
 * ```
 */
export function capRequestedLevel<A>(
  maxLevel: GrantableControlLevel,
): OperatorFunction<ControlLevelChangeRequest<A>, ControlDecision<A>> {
  assertGrantable(maxLevel, 'capRequestedLevel(maxLevel)');
  return map((request) => grantRequest(request, maxLevel));
}
