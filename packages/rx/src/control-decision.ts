import { askedLevel, assertGrantable, ControlLevel, type GrantableControlLevel } from './control-level.js';
import type { ControlLevelChangeRequest } from './event-catalogue.js';
import type { AttendeeLike } from './event-object-types.js';

/**
 * A control level decision: `attendee` is to hold `level`. The policy operators produce them; `applyDecisions`
 * applies them with the session's `controlLevel` setter, which announces the change to every viewer.
 */
export interface ControlDecision<A = AttendeeLike> {
  readonly attendee: A;
  /** The level to apply: what was asked, less, or the current level when the request is denied. */
  readonly level: GrantableControlLevel;
  /**
   * The level the attendee asked for when the decision answers a request (what `sendControlLevelChangeResponse`
   * reports back); absent for decisions the app takes on its own, such as a demotion.
   */
  readonly requestedLevel?: ControlLevel;
}

/** What deciding and applying need of an attendee: IRDPSRAPIAttendee's ControlLevel property. */
export interface ControllableAttendee {
  controlLevel: number;
}

/**
 * The decision that grants `request`: the level asked for, capped at `maxLevel` (a REQCTRL_* request asks for
 * VIEW or INTERACTIVE, see `askedLevel`).
 *
 * @example
 * ```ts
 * requests$.pipe(map((request) => (trusted(request.attendee) ? grantRequest(request) : denyRequest(request))));
 * ```
 */
export function grantRequest<A>(
  request: ControlLevelChangeRequest<A>,
  maxLevel: GrantableControlLevel = ControlLevel.INTERACTIVE,
): ControlDecision<A> {
  const level = Math.min(askedLevel(request.requestedLevel), maxLevel) as GrantableControlLevel;
  return { attendee: request.attendee, level, requestedLevel: request.requestedLevel };
}

/**
 * The decision that denies `request`: the attendee keeps the level it holds now, and a response can still tell
 * the viewer its request was seen.
 *
 * @example
 * ```ts
 * requests$.pipe(map((request) => (trusted(request.attendee) ? grantRequest(request) : denyRequest(request))));
 * ```
 */
export function denyRequest<A extends ControllableAttendee>(request: ControlLevelChangeRequest<A>): ControlDecision<A> {
  const level = request.attendee.controlLevel;
  assertGrantable(level, "the attendee's current controlLevel");
  return { attendee: request.attendee, level, requestedLevel: request.requestedLevel };
}
