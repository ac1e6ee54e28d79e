import { ControlChangeFlags, ParticipantFlags } from '@rdshare/protocol';
import { CTRL_LEVEL } from './constants.js';

/** A level an attendee can hold (REQCTRL_* only name requests). */
export type HeldControlLevel = (typeof CTRL_LEVEL)['NONE' | 'VIEW' | 'INTERACTIVE'];

/**
 * OD_PARTICIPANT_CREATED Flags for a control level (MS-RDPEMC 2.2.4.1): NONE may do nothing, VIEW may view,
 * INTERACTIVE may view and interact.
 */
export function participantFlagsFor(level: CTRL_LEVEL): number {
  if (level === CTRL_LEVEL.INTERACTIVE) return ParticipantFlags.MAY_VIEW | ParticipantFlags.MAY_INTERACT;
  if (level === CTRL_LEVEL.VIEW) return ParticipantFlags.MAY_VIEW;
  return 0;
}

/**
 * The level a viewer asks for with OD_PARTICIPANT_CTRL_CHANGE (MS-RDPEMC 2.2.4.3): REQUEST_INTERACT means
 * INTERACTIVE, REQUEST_VIEW alone VIEW (FreeRDP's Ctrl+Alt+C sends that to hand control back), neither NONE.
 *
 * The flags name the level wanted, so the request is reported as that level (VIEW / INTERACTIVE), not as
 * REQCTRL_VIEW / REQCTRL_INTERACTIVE: those are arguments of the viewer's RequestControl on Windows 8.1+ that
 * the wire does not distinguish, and sharer code written for Windows grants with
 * `attendee.ControlLevel = RequestedLevel`, which only a settable level allows.
 */
export function requestedLevelOf(flags: number): HeldControlLevel {
  if (flags & ControlChangeFlags.REQUEST_INTERACT) return CTRL_LEVEL.INTERACTIVE;
  if (flags & ControlChangeFlags.REQUEST_VIEW) return CTRL_LEVEL.VIEW;
  return CTRL_LEVEL.NONE;
}

/** OD_PARTICIPANT_CTRL_CHANGE_RESPONSE Flags for the level a response is about (MS-RDPEMC 2.2.4.4). */
export function controlChangeFlagsFor(level: CTRL_LEVEL): number {
  if (level === CTRL_LEVEL.INTERACTIVE || level === CTRL_LEVEL.REQCTRL_INTERACTIVE) {
    return ControlChangeFlags.REQUEST_VIEW | ControlChangeFlags.REQUEST_INTERACT;
  }
  if (level === CTRL_LEVEL.VIEW || level === CTRL_LEVEL.REQCTRL_VIEW) return ControlChangeFlags.REQUEST_VIEW;
  return 0;
}
