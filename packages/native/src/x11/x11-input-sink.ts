import { NativeError } from '../errors.js';
import { isInteger } from '../geometry.js';
import { type InputSink, type LockState, MouseButton } from '../input-sink.js';
import type { X11Connection } from './x11-connection.js';

const buttons = new Set<number>(Object.values(MouseButton));

/** X buttons for one wheel notch: 4/5 vertical, 6/7 horizontal. */
const WheelButton = { Up: 4, Down: 5, Left: 6, Right: 7 } as const;

/** Wheel turns beyond this in one call are treated as a caller bug rather than replayed. */
const MAX_NOTCHES = 1000;

/** {@link InputSink} for X11 through XTest. */
export class X11InputSink implements InputSink {
  private closed = false;

  constructor(private readonly connection: X11Connection) {
    connection.acquire();
  }

  private live(): X11Connection {
    if (this.closed) throw new NativeError('CLOSED', `the input sink for ${this.connection.display} is closed`);
    return this.connection;
  }

  keyScancode(scancode: number, down: boolean, extended = false): void {
    const connection = this.live();
    if (!isInteger(scancode) || scancode < 0 || scancode > 0xff) {
      throw new NativeError('INVALID_SCANCODE', `scancode must be an integer 0x01-0x7f, got ${scancode}`);
    }
    connection.call((raw) => raw.key(scancode, extended, down));
  }

  keyUnicode(codePoint: number, down: boolean): void {
    const connection = this.live();
    if (!isInteger(codePoint))
      throw new NativeError('INVALID_ARGUMENT', `code point must be an integer, got ${codePoint}`);
    connection.call((raw) => raw.unicode(codePoint, down));
  }

  mouseMove(x: number, y: number): void {
    const connection = this.live();
    if (!isInteger(x) || !isInteger(y))
      throw new NativeError('INVALID_ARGUMENT', `pointer position must be integers, got ${x},${y}`);
    connection.call((raw) => raw.move(x, y));
  }

  mouseButton(button: MouseButton, down: boolean): void {
    const connection = this.live();
    if (!buttons.has(button)) {
      throw new NativeError('INVALID_ARGUMENT', `button must be one of ${[...buttons].join(', ')}, got ${button}`);
    }
    connection.call((raw) => raw.button(button, down));
  }

  wheel(notches: number, horizontal = false): void {
    const connection = this.live();
    if (!isInteger(notches) || Math.abs(notches) > MAX_NOTCHES) {
      throw new NativeError(
        'INVALID_ARGUMENT',
        `wheel notches must be an integer within ±${MAX_NOTCHES}, got ${notches}`,
      );
    }
    const button = horizontal
      ? notches > 0
        ? WheelButton.Right
        : WheelButton.Left
      : notches > 0
        ? WheelButton.Up
        : WheelButton.Down;
    for (let i = 0; i < Math.abs(notches); i++) {
      connection.call((raw) => {
        raw.button(button, true);
        raw.button(button, false);
      });
    }
  }

  syncLocks(locks: LockState): void {
    const connection = this.live();
    if (typeof locks !== 'object' || locks === null)
      throw new NativeError('INVALID_ARGUMENT', 'locks must be an object');
    connection.call((raw) => raw.setLocks(Boolean(locks.caps), Boolean(locks.num), Boolean(locks.scroll)));
  }

  locks(): LockState {
    return this.live().call((raw) => raw.locks());
  }

  onLost(listener: (error: NativeError) => void): () => void {
    return this.live().onLost(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.release();
  }
}
