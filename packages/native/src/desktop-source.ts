import type { NativeError } from './errors.js';
import type { Frame } from './frame.js';
import type { Point, Rect, Size } from './geometry.js';

/**
 * A screen that can be captured and watched for changes.
 *
 * @example
 * ```ts
 * const { source } = openDisplay(':99');
 * const frame = source.allocateFrame(); // screen-sized, reused for every capture
 * source.onDamage(async (rects) => {
 *   for (const r of rects) await source.capture(r, frame, { x: r.x, y: r.y });
 * });
 * ```
 */
export interface DesktopSource {
  /** The display this source reads, e.g. `:99`. */
  readonly display: string;
  /** Current screen width in pixels; follows RandR size changes. */
  readonly width: number;
  /** Current screen height in pixels; follows RandR size changes. */
  readonly height: number;
  /** Bits per pixel of the screen (16, 24 or 32); frames are always 32-bit BGRX. */
  readonly depth: number;

  /**
   * Copies the screen rectangle `rect` into `into`, with its top-left pixel at `at` (default 0,0).
   * Runs off the JavaScript thread through one reused MIT-SHM segment; nothing is allocated per call.
   * Leave `into.data` alone until the promise settles.
   *
   * @throws {NativeError} `OUT_OF_BOUNDS` when `rect` is not inside the screen or does not fit in
   *   `into` at `at`; `CLOSED` after {@link DesktopSource.close}.
   */
  capture(rect: Rect, into: Frame, at?: Point): Promise<void>;

  /** Allocates a frame of the given size (default: the screen) to capture into and reuse. */
  allocateFrame(width?: number, height?: number): Frame;

  /**
   * Calls `listener` with the screen areas that changed: merged rectangles, at most once per turn of the
   * event loop (or per `damageIntervalMs`). Nothing is delivered while the screen is idle.
   * @returns a function that removes the listener.
   */
  onDamage(listener: (rects: Rect[]) => void): () => void;

  /** Calls `listener` when the screen size changes. @returns a function that removes the listener. */
  onResize(listener: (size: Size) => void): () => void;

  /**
   * Calls `listener` once if the X server goes away (exits, crashes, drops this client), as soon as the
   * event thread sees the socket close. The process is unaffected: from then on every method throws the
   * same `DISPLAY_LOST` {@link NativeError}, and pending promises reject with it.
   * @returns a function that removes the listener.
   */
  onLost(listener: (error: NativeError) => void): () => void;
  /** Releases the connection, its shared memory and threads; further calls throw `CLOSED`. Idempotent. */
  close(): void;
}
