import { filter, map, type OperatorFunction, pipe } from 'rxjs';
import { type ControlDecision, grantRequest } from '../control-decision.js';
import { assertGrantable, type GrantableControlLevel } from '../control-level.js';
import type { ControlLevelChangeRequest } from '../event-catalogue.js';

/** An attendee whose invitation has a group name (IRDPSRAPIAttendee::get_Invitation, then get_GroupName). */
export interface GroupedAttendee {
  readonly invitation: { readonly groupName: string };
}

/**
 * Grants the requests of attendees invited through the invitation group `groupName`, up to `level`; requests from
 * other groups are dropped (handle them in a pipeline of their own, e.g. with `autoDenyAfter`).
 *
 * @param groupName The invitation's group name (`invitations.createInvitation(authString, groupName, ...)`).
 * @param level The most a request from that group gets: ControlLevel.NONE, VIEW or INTERACTIVE.
 * @example
 * ```ts
 * import { applyDecisions, ControlLevel, grantToGroup } from '@rdshare/rx';
 * session.events.controlLevelChangeRequest$
 *   .pipe(grantToGroup('support', ControlLevel.INTERACTIVE), applyDecisions())
 *   .subscribe();
 * ```
 */
export function grantToGroup<A extends GroupedAttendee>(
  groupName: string,
  level: GrantableControlLevel,
): OperatorFunction<ControlLevelChangeRequest<A>, ControlDecision<A>> {
  if (typeof groupName !== 'string') throw new TypeError(`grantToGroup(groupName) must be a string, got ${groupName}`);
  assertGrantable(level, 'grantToGroup(level)');
  return pipe(
    filter((request) => request.attendee.invitation.groupName === groupName),
    map((request) => grantRequest(request, level)),
  );
}
