import { NativeError } from './errors.js';
import { isInteger, type Rect } from './geometry.js';

/**
 * A 32-bit image in memory owned by the caller.
 *
 * Pixels are BGRX little-endian (byte 0 blue, 1 green, 2 red, 3 unused), as an X server gives them
 * at depth 24; captures from 16-bit screens are widened to the same format. Row `y` starts at byte
 * `y * stride`; `stride` is at least `width * 4` (exactly that for frames from {@link allocateFrame}).
 */
export interface Frame {
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}

/** Bytes per pixel of every {@link Frame}. */
export const BYTES_PER_PIXEL = 4;

/** Allocates a zeroed frame with `stride = width * 4`; allocate once and reuse it for every capture. */
export function allocateFrame(width: number, height: number): Frame {
  return allocateFrameIn(width, height, () => undefined);
}

/** {@link allocateFrame} in the memory `memory` offers (a desktop source's shared memory), if it does. */
export function allocateFrameIn(
  width: number,
  height: number,
  memory: (bytes: number) => ArrayBuffer | undefined,
): Frame {
  if (!isInteger(width) || !isInteger(height) || width <= 0 || height <= 0) {
    throw new NativeError('INVALID_ARGUMENT', `frame size must be positive integers, got ${width}x${height}`);
  }
  const bytes = width * height * BYTES_PER_PIXEL;
  const shared = memory(bytes);
  return {
    width,
    height,
    stride: width * BYTES_PER_PIXEL,
    data: shared ? new Uint8Array(shared) : new Uint8Array(bytes),
  };
}

/** Throws unless `frame` is self-consistent: integer sizes, a wide enough stride and enough bytes. */
export function assertFrame(frame: Frame, what = 'frame'): void {
  const { width, height, stride, data } = frame ?? ({} as Frame);
  if (!(data instanceof Uint8Array)) throw new NativeError('INVALID_ARGUMENT', `${what}.data must be a Uint8Array`);
  if (!isInteger(width) || !isInteger(height) || !isInteger(stride) || width <= 0 || height <= 0) {
    throw new NativeError('INVALID_ARGUMENT', `${what} has an invalid size ${width}x${height} (stride ${stride})`);
  }
  if (stride < width * BYTES_PER_PIXEL) {
    throw new NativeError('INVALID_ARGUMENT', `${what}.stride ${stride} is less than width * 4 = ${width * 4}`);
  }
  const needed = stride * (height - 1) + width * BYTES_PER_PIXEL;
  if (data.byteLength < needed) {
    throw new NativeError('OUT_OF_BOUNDS', `${what}.data holds ${data.byteLength} bytes, ${needed} are needed`);
  }
}

/** Throws unless `rect` is a non-empty integer rectangle inside `bounds` (a width and height at the origin). */
export function assertRectInside(rect: Rect, bounds: { width: number; height: number }, what: string): void {
  const { x, y, width, height } = rect ?? ({} as Rect);
  if (![x, y, width, height].every(isInteger)) {
    throw new NativeError('INVALID_ARGUMENT', `${what} must have integer x, y, width and height`);
  }
  if (width <= 0 || height <= 0 || x < 0 || y < 0 || x + width > bounds.width || y + height > bounds.height) {
    throw new NativeError(
      'OUT_OF_BOUNDS',
      `${what} ${width}x${height}+${x}+${y} is empty or outside ${bounds.width}x${bounds.height}`,
    );
  }
}
