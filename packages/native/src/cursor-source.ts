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

/** The pointer's image and position. */
export interface CursorSource {
  /** The latest cursor image (kept current by the event thread; no round trip). */
  current(): CursorImage;
  /** Asks the server where the pointer is (off the JavaScript thread). */
  position(): Promise<Point>;
  /** Calls `listener` with each new cursor image. @returns a function that removes the listener. */
  onChange(listener: (image: CursorImage) => void): () => void;
  /**
   * Calls `listener` when the pointer moves, whoever moved it. X reports no motion to a passive
   * observer, so the event thread samples the position every 16 ms while a listener exists.
   * @returns a function that removes the listener.
   */
  onMove(listener: (position: Point) => void): () => void;
  /** Releases the connection. Idempotent. */
  close(): void;
}
