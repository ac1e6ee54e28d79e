import { ProtocolError } from '../core/errors.js';

/**
 * Keyboard flags of the fast-path keyboard event (MS-RDPBCGR 2.2.8.1.2.2.1); they live in the 5-bit
 * eventFlags of the event header.
 */
export const FastPathKbdFlags = {
  RELEASE: 0x01,
  EXTENDED: 0x02,
  EXTENDED1: 0x04,
} as const;
export type FastPathKbdFlags = (typeof FastPathKbdFlags)[keyof typeof FastPathKbdFlags];

/** Keyboard flags of the slow-path TS_KEYBOARD_EVENT and TS_UNICODE_KEYBOARD_EVENT (MS-RDPBCGR 2.2.8.1.1.3.1.1.1). */
export const KbdFlags = {
  EXTENDED: 0x0100,
  EXTENDED1: 0x0200,
  /** The key was down before this event (auto-repeat); informational only. */
  DOWN: 0x4000,
  RELEASE: 0x8000,
} as const;
export type KbdFlags = (typeof KbdFlags)[keyof typeof KbdFlags];

/** pointerFlags of TS_POINTER_EVENT / TS_FP_POINTER_EVENT (MS-RDPBCGR 2.2.8.1.1.3.1.1.3). */
export const PtrFlags = {
  /** Low 9 bits: the wheel rotation, a two's-complement value whose sign bit is WHEEL_NEGATIVE. */
  WHEEL_ROTATION_MASK: 0x01ff,
  WHEEL_NEGATIVE: 0x0100,
  WHEEL: 0x0200,
  HWHEEL: 0x0400,
  MOVE: 0x0800,
  BUTTON1: 0x1000,
  BUTTON2: 0x2000,
  BUTTON3: 0x4000,
  DOWN: 0x8000,
} as const;
export type PtrFlags = (typeof PtrFlags)[keyof typeof PtrFlags];

/** pointerFlags of TS_POINTERX_EVENT (MS-RDPBCGR 2.2.8.1.1.3.1.1.4). */
export const PtrXFlags = {
  BUTTON1: 0x0001,
  BUTTON2: 0x0002,
  DOWN: 0x8000,
} as const;
export type PtrXFlags = (typeof PtrXFlags)[keyof typeof PtrXFlags];

/** Toggle-key states of the synchronize event (MS-RDPBCGR 2.2.8.1.1.3.1.1.5 and 2.2.8.1.2.2.5). */
export const SyncToggleFlags = {
  SCROLL_LOCK: 0x01,
  NUM_LOCK: 0x02,
  CAPS_LOCK: 0x04,
  KANA_LOCK: 0x08,
} as const;
export type SyncToggleFlags = (typeof SyncToggleFlags)[keyof typeof SyncToggleFlags];

/** A key press or release by scan code. `code` is 8 bits on the fast path, 16 on the slow path. */
export interface ScancodeInputEvent {
  type: 'scancode';
  code: number;
  release: boolean;
  extended: boolean;
  extended1: boolean;
}

/** A key press or release by UTF-16 code unit. */
export interface UnicodeInputEvent {
  type: 'unicode';
  code: number;
  release: boolean;
}

/** Absolute pointer event; `flags` is a combination of {@link PtrFlags}. */
export interface MouseInputEvent {
  type: 'mouse';
  flags: number;
  x: number;
  y: number;
}

/** Extended-button pointer event; `flags` is a combination of {@link PtrXFlags}. */
export interface MouseXInputEvent {
  type: 'mousex';
  flags: number;
  x: number;
  y: number;
}

/** Relative pointer event (MS-RDPBCGR 2.2.8.1.1.3.1.1.7 / 2.2.8.1.2.2.7); deltas are signed 16-bit. */
export interface RelativeMouseInputEvent {
  type: 'relmouse';
  flags: number;
  dx: number;
  dy: number;
}

/** Toggle-key synchronization; `toggleFlags` is a combination of {@link SyncToggleFlags}. */
export interface SyncInputEvent {
  type: 'sync';
  toggleFlags: number;
}

/** Quality-of-experience timestamp (fast path only, MS-RDPBCGR 2.2.8.1.2.2.6), in milliseconds. */
export interface QoeTimestampInputEvent {
  type: 'qoe';
  timestamp: number;
}

/** One input event, as carried by either the fast-path or the slow-path input PDU. */
export type InputEvent =
  | ScancodeInputEvent
  | UnicodeInputEvent
  | MouseInputEvent
  | MouseXInputEvent
  | RelativeMouseInputEvent
  | SyncInputEvent
  | QoeTimestampInputEvent;

export type WheelAxis = 'vertical' | 'horizontal';

/** A wheel rotation; positive `delta` is away from the user (vertical) or to the right (horizontal). */
export interface MouseWheel {
  axis: WheelAxis;
  delta: number;
}

/**
 * The wheel rotation carried by pointer flags, or `undefined` when neither PTRFLAGS_WHEEL nor PTRFLAGS_HWHEEL is
 * set. The rotation is the low 9 bits as a two's-complement number (bit 8 is WHEEL_NEGATIVE), so 0x0188 is -120.
 */
export function decodeMouseWheel(flags: number): MouseWheel | undefined {
  const axis: WheelAxis | undefined =
    flags & PtrFlags.HWHEEL ? 'horizontal' : flags & PtrFlags.WHEEL ? 'vertical' : undefined;
  if (!axis) return undefined;
  const raw = flags & PtrFlags.WHEEL_ROTATION_MASK;
  return { axis, delta: raw & PtrFlags.WHEEL_NEGATIVE ? raw - 0x200 : raw };
}

/** Pointer flags for a wheel rotation of `delta` (-256..255; Windows uses multiples of 120). */
export function encodeMouseWheel(axis: WheelAxis, delta: number): number {
  if (!Number.isInteger(delta) || delta < -256 || delta > 255) {
    throw new ProtocolError('INVALID', `wheel delta ${delta} outside -256..255`, 'TS_POINTER_EVENT');
  }
  return (axis === 'horizontal' ? PtrFlags.HWHEEL : PtrFlags.WHEEL) | (delta & PtrFlags.WHEEL_ROTATION_MASK);
}

/** What one pointer event does, decoded from its flags. */
export interface MouseAction {
  move: boolean;
  /** 1 left, 2 right, 3 middle; absent for pure moves and wheel events. */
  button?: 1 | 2 | 3;
  /** With `button`: pressed (true) or released (false). */
  down?: boolean;
  wheel?: MouseWheel;
}

/** Splits a {@link MouseInputEvent}'s flags into move / button / wheel, so input sinks need no bit twiddling. */
export function describeMouseEvent(event: MouseInputEvent): MouseAction {
  const { flags } = event;
  const action: MouseAction = { move: (flags & PtrFlags.MOVE) !== 0 };
  const wheel = decodeMouseWheel(flags);
  if (wheel) {
    action.wheel = wheel;
    return action;
  }
  const button = flags & PtrFlags.BUTTON1 ? 1 : flags & PtrFlags.BUTTON2 ? 2 : flags & PtrFlags.BUTTON3 ? 3 : 0;
  if (button) {
    action.button = button;
    action.down = (flags & PtrFlags.DOWN) !== 0;
  }
  return action;
}

/** A pointer move to (x, y). */
export function mouseMoveEvent(x: number, y: number): MouseInputEvent {
  return { type: 'mouse', flags: PtrFlags.MOVE, x, y };
}

const buttonFlag = { 1: PtrFlags.BUTTON1, 2: PtrFlags.BUTTON2, 3: PtrFlags.BUTTON3 } as const;

/** A press or release of button 1 (left), 2 (right) or 3 (middle) at (x, y). */
export function mouseButtonEvent(button: 1 | 2 | 3, down: boolean, x: number, y: number): MouseInputEvent {
  return { type: 'mouse', flags: buttonFlag[button] | (down ? PtrFlags.DOWN : 0), x, y };
}

/** A wheel rotation at (x, y). */
export function mouseWheelEvent(axis: WheelAxis, delta: number, x: number, y: number): MouseInputEvent {
  return { type: 'mouse', flags: encodeMouseWheel(axis, delta), x, y };
}
