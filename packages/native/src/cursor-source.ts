import type { NativeError } from './errors.js';
import type { Point } from './geometry.js';

/**
 * The pointer's current image.
 *
 * `pixels` holds `width * height` 32-bit ARGB values with premultiplied alpha, as XFixes gives them,
 * stored little-endian: bytes B, G, R, A per pixel, rows without padding.
 */
export interface CursorImage {
  width: number;
  height: number;
  /** Hotspot: the pixel of the image that sits at the pointer position. */
  xhot: number;
  yhot: number;
  pixels: Uint8Array;
  /** Changes whenever the server's cursor changes; equal serials mean equal images. */
  serial: number;
}

/**
 * The pointer's image and position.
 *
 * @example
 * ```ts
 * const { cursor } = openDisplay(':99');
 * const { pixels, width, height, xhot, yhot } = cursor.current(); // RGBA, no round trip
 * cursor.onMove(({ x, y }) => console.log(`pointer at ${x},${y}`));
 * ```
 */
export interface CursorSource {
  /** The latest cursor image (kept current by the event thread; no round trip). */
  current(): CursorImage;
  /** Asks the server where the pointer is (off the JavaScript thread). */
  position(): Promise<Point>;
  /** Calls `listener` with each new cursor image. @returns a function that removes the listener. */
  onChange(listener: (image: CursorImage) => void): () => void;
  /**
   * Calls `listener` when the pointer moves, whoever moved it with a device or XTest. The event thread
   * listens for XInput 2 raw motion and then asks for the position once; an idle pointer costs nothing.
   * A warp (`XWarpPointer`) makes no raw motion, so one by another client shows with the next motion.
   * Servers without XInput 2 are sampled every 16 ms instead.
   * @returns a function that removes the listener.
   */
  onMove(listener: (position: Point) => void): () => void;
  /**
   * Calls `listener` once if the X server goes away (exits, crashes, drops this client), as soon as the
   * event thread sees the socket close. The process is unaffected: from then on every method throws the
   * same `DISPLAY_LOST` {@link NativeError}, and pending promises reject with it.
   * @returns a function that removes the listener.
   */
  onLost(listener: (error: NativeError) => void): () => void;
  /** Releases the connection. Idempotent. */
  close(): void;
}
