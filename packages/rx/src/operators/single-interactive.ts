import { concatMap, defer, type MonoTypeOperatorFunction } from 'rxjs';
import type { ControlDecision } from '../control-decision.js';
import { ControlLevel } from '../control-level.js';

/**
 * Keeps at most one INTERACTIVE attendee: a decision granting INTERACTIVE to an attendee is preceded by one
 * demoting the previous holder to VIEW, so two attendees never steer at once. The holder is the last attendee
 * granted INTERACTIVE through this operator (per subscription) until a decision through it lowers that attendee;
 * levels changed elsewhere are not seen.
 *
 * @example
 * ```ts
 * import { applyDecisions, grantAsRequested, singleInteractive } from '@rdshare/rx';
 * session.events.controlLevelChangeRequest$
 *   .pipe(grantAsRequested(), singleInteractive(), applyDecisions())
 *   .subscribe();
 * ```
 */
export function singleInteractive<A>(): MonoTypeOperatorFunction<ControlDecision<A>> {
  return (source) =>
    defer(() => {
      let holder: { attendee: A } | undefined;
      return source.pipe(
        concatMap((decision) => {
          const decisions: ControlDecision<A>[] = [];
          if (decision.level === ControlLevel.INTERACTIVE) {
            if (holder && holder.attendee !== decision.attendee) {
              decisions.push({ attendee: holder.attendee, level: ControlLevel.VIEW });
            }
            holder = { attendee: decision.attendee };
          } else if (holder?.attendee === decision.attendee) {
            holder = undefined;
          }
          decisions.push(decision);
          return decisions;
        }),
      );
    });
}
