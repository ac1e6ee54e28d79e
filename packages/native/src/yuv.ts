import { NativeError, toNativeError } from './errors.js';
import { assertFrame, type Frame } from './frame.js';
import { isInteger } from './geometry.js';
import { loadAddon } from './loader.js';

/**
 * A 4:2:0 picture in three caller-owned planes (Y full size, U and V half width and half height), as H.264 codes
 * it. Row `r` of a plane starts at byte `r * stride` of it.
 */
export interface I420Frame {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
  yStride: number;
  uvStride: number;
}

/** A 4:4:4 picture: three full-size planes, rows `stride` bytes apart. */
export interface Yuv444Frame {
  width: number;
  height: number;
  stride: number;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

/** Allocates a zeroed {@link Yuv444Frame} with `stride = width`; allocate once and reuse it for every conversion. */
export function allocateYuv444(width: number, height: number): Yuv444Frame {
  if (!isInteger(width) || !isInteger(height) || width <= 0 || height <= 0) {
    throw new NativeError('INVALID_ARGUMENT', `YUV 4:4:4 size must be positive integers, got ${width}x${height}`);
  }
  const plane = () => new Uint8Array(width * height);
  return { width, height, stride: width, y: plane(), u: plane(), v: plane() };
}

/**
 * Converts a BGRX frame to YUV 4:4:4 planes on the libuv thread pool (BT.709 full range with the weights
 * `H264Encoder` uses for its own 4:2:0 conversion, so averaging a 2x2 block's chroma gives what that encoder
 * would have coded). Converts `out.width` x `out.height` pixels from the frame's top left; neither buffer may change
 * until the promise settles. Throws `INVALID_ARGUMENT` / `OUT_OF_BOUNDS` when `out` is larger than the frame or
 * its planes are too small.
 *
 * @example
 * ```ts
 * const planes = allocateYuv444(frame.width, frame.height);
 * await bgrxToYuv444(frame, planes);
 * ```
 */
export async function bgrxToYuv444(frame: Frame, out: Yuv444Frame): Promise<void> {
  assertFrame(frame, 'frame');
  const { width, height, stride } = out ?? ({} as Yuv444Frame);
  if (!isInteger(width) || !isInteger(height) || !isInteger(stride) || width <= 0 || height <= 0 || stride < width) {
    throw new NativeError('INVALID_ARGUMENT', `out has an invalid size ${width}x${height} (stride ${stride})`);
  }
  if (width > frame.width || height > frame.height) {
    throw new NativeError('OUT_OF_BOUNDS', `out is ${width}x${height}, the frame only ${frame.width}x${frame.height}`);
  }
  const needed = stride * (height - 1) + width;
  for (const name of ['y', 'u', 'v'] as const) {
    const plane = out[name];
    if (!(plane instanceof Uint8Array)) throw new NativeError('INVALID_ARGUMENT', `out.${name} must be a Uint8Array`);
    if (plane.byteLength < needed) {
      throw new NativeError('OUT_OF_BOUNDS', `out.${name} holds ${plane.byteLength} bytes, ${needed} are needed`);
    }
  }
  try {
    await loadAddon().bgrxToYuv444(frame.data, frame.stride, width, height, out.y, out.u, out.v, stride);
  } catch (error) {
    throw toNativeError(error);
  }
}
