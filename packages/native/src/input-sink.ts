import type { NativeError } from './errors.js';
/** Pointer buttons by X button number. */
export const MouseButton = {
  Left: 1,
  Middle: 2,
  Right: 3,
  /** One wheel notch away from the user (prefer {@link InputSink.wheel}). */
  WheelUp: 4,
  /** One wheel notch towards the user (prefer {@link InputSink.wheel}). */
  WheelDown: 5,
  /** The first extra button, "X1" / back. */
  Back: 8,
  /** The second extra button, "X2" / forward. */
  Forward: 9,
} as const;
export type MouseButton = (typeof MouseButton)[keyof typeof MouseButton];

/** Toggle state of the lock keys. */
export interface LockState {
  caps: boolean;
  num: boolean;
  scroll: boolean;
}

/**
 * Synthesises keyboard and pointer input on a desktop.
 *
 * @example
 * ```ts
 * const { input } = openDisplay(':99');
 * input.keyScancode(0x1e, true); // 'a' on the user's layout
 * input.keyScancode(0x1e, false);
 * input.keyUnicode(0x20ac, true); // '€', whatever the layout
 * input.keyUnicode(0x20ac, false);
 * input.wheel(-1); // one notch towards the user
 * ```
 */
export interface InputSink {
  /**
   * Presses or releases the key with this PC scancode (set 1 make code, 0x01-0x7f); `extended` is the
   * E0 prefix (right Ctrl/Alt, arrows, navigation block, keypad Enter and /, Windows keys, Menu).
   * The key is found by its physical position in the server's keymap.
   * @throws {NativeError} `INVALID_SCANCODE` when no key has this scancode.
   */
  keyScancode(scancode: number, down: boolean, extended?: boolean): void;
  /**
   * Presses or releases the key that types this Unicode code point. Characters the layout lacks are
   * typed by lending them a keycode the layout leaves empty; close() gives those keycodes back.
   * @throws {NativeError} `INVALID_ARGUMENT` for a code point that has no keysym (e.g. a surrogate).
   */
  keyUnicode(codePoint: number, down: boolean): void;
  /** Moves the pointer to screen coordinates; the server clamps them to the screen. */
  mouseMove(x: number, y: number): void;
  /** Presses or releases a button. @throws {NativeError} `INVALID_ARGUMENT` for other numbers. */
  mouseButton(button: MouseButton, down: boolean): void;
  /**
   * Turns the wheel by whole notches: positive is up (away from the user) or, with `horizontal`, right.
   */
  wheel(notches: number, horizontal?: boolean): void;
  /** Sets Caps, Num and Scroll Lock to the given states. */
  syncLocks(locks: LockState): void;
  /** The lock keys' state as last reported by the server. */
  locks(): LockState;
  /**
   * Calls `listener` once if the X server goes away (exits, crashes, drops this client), as soon as the
   * event thread sees the socket close. The process is unaffected: from then on every method throws the
   * same `DISPLAY_LOST` {@link NativeError}, and pending promises reject with it.
   * @returns a function that removes the listener.
   */
  onLost(listener: (error: NativeError) => void): () => void;
  /** Releases keys it holds, restores borrowed keycodes and closes the connection. Idempotent. */
  close(): void;
}
