/**
 * CTRL_LEVEL values as events carry them: Windows' numbers, so `ControlLevel.VIEW === CTRL_LEVEL.VIEW`. rx keeps
 * its own copy because it must not depend on the session or viewer that define the enum.
 *
 * @example
 * ```ts
 * import { ControlLevel } from '@rdshare/rx';
 * attendee.controlLevel = ControlLevel.VIEW;
 * ```
 */
export const ControlLevel = {
  /** Cannot view or interact. */
  NONE: 1,
  /** Sees the shared desktop; its input is dropped. */
  VIEW: 2,
  /** Sees the desktop and its keyboard and mouse input reach it. */
  INTERACTIVE: 3,
  /** In a request: asks for VIEW (Windows 8.1 and later viewers). */
  REQCTRL_VIEW: 4,
  /** In a request: asks for INTERACTIVE (Windows 8.1 and later viewers). */
  REQCTRL_INTERACTIVE: 5,
} as const;

/** Any CTRL_LEVEL a request or response can name (NONE to REQCTRL_INTERACTIVE). */
export type ControlLevel = (typeof ControlLevel)[keyof typeof ControlLevel];

/** A level an attendee can hold: NONE, VIEW or INTERACTIVE (the REQCTRL_* values only appear in requests). */
export type GrantableControlLevel =
  | typeof ControlLevel.NONE
  | typeof ControlLevel.VIEW
  | typeof ControlLevel.INTERACTIVE;

/** @deprecated Use {@link ControlLevel}: a CTRL_LEVEL as it travels in events. */
export type ControlLevelValue = ControlLevel;

const GRANTABLE: readonly number[] = [ControlLevel.NONE, ControlLevel.VIEW, ControlLevel.INTERACTIVE];

/** Whether `level` is a level an attendee can hold. */
export function isGrantableControlLevel(level: unknown): level is GrantableControlLevel {
  return typeof level === 'number' && GRANTABLE.includes(level);
}

/**
 * The level a request asks for, as a level an attendee can hold: REQCTRL_VIEW asks for VIEW, REQCTRL_INTERACTIVE
 * for INTERACTIVE, and NONE, VIEW or INTERACTIVE ask for themselves.
 *
 * @example
 * ```ts
 * askedLevel(ControlLevel.REQCTRL_INTERACTIVE); // ControlLevel.INTERACTIVE
 * ```
 */
export function askedLevel(requested: ControlLevel): GrantableControlLevel {
  switch (requested) {
    case ControlLevel.REQCTRL_VIEW:
      return ControlLevel.VIEW;
    case ControlLevel.REQCTRL_INTERACTIVE:
      return ControlLevel.INTERACTIVE;
    default:
      return requested;
  }
}

/** Throws a RangeError naming `what` unless `level` is NONE, VIEW or INTERACTIVE. @internal */
export function assertGrantable(level: unknown, what: string): asserts level is GrantableControlLevel {
  if (!isGrantableControlLevel(level)) {
    throw new RangeError(
      `${what} must be ControlLevel.NONE (1), VIEW (2) or INTERACTIVE (3), got ${String(level)}; ` +
        'REQCTRL_* values only appear in requests',
    );
  }
}
