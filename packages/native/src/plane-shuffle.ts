import { NativeError, toNativeError } from './errors.js';
import { isInteger } from './geometry.js';
import { loadAddon } from './loader.js';

/** An 8-bit plane in caller-owned memory: sample (x, y) at byte `y * stride + x`. */
export interface Plane {
  data: Uint8Array;
  stride: number;
}

/**
 * One step of {@link shufflePlanes}: `width` x `height` samples written from (`toX`, `toY`) of `planes[to]`,
 * sample (i, j) read at (`fromX + i * stepX`, `fromY + j * stepY`) of `planes[from]`, or with `mean` the rounded
 * mean of the 2x2 block whose top left is there.
 */
export interface PlaneCopy {
  from: number;
  fromX: number;
  fromY: number;
  stepX: number;
  stepY: number;
  to: number;
  toX: number;
  toY: number;
  width: number;
  height: number;
  mean?: boolean;
}

const FIELDS = 11;

/**
 * Rearranges samples between planes on the libuv thread pool: the copies run in order (a later one may read what
 * an earlier one wrote), none may reach outside its planes (`OUT_OF_BOUNDS`, checked before anything is written),
 * and no plane may change until the promise settles. For chroma layouts that are strided copies and 2x2 means,
 * which take milliseconds per megapixel in JavaScript and a fraction of one here.
 *
 * @example
 * ```ts
 * // The 4:2:0 chroma of a 4:4:4 plane: each 2x2 block's mean.
 * await shufflePlanes([u444, u420], [{ from: 0, fromX: 0, fromY: 0, stepX: 2, stepY: 2, to: 1, toX: 0, toY: 0, width: w / 2, height: h / 2, mean: true }]);
 * ```
 */
export async function shufflePlanes(planes: readonly Plane[], copies: readonly PlaneCopy[]): Promise<void> {
  if (!Array.isArray(planes) || !Array.isArray(copies)) {
    throw new NativeError('INVALID_ARGUMENT', 'shufflePlanes takes an array of planes and an array of copies');
  }
  for (const [i, plane] of planes.entries()) {
    if (!(plane?.data instanceof Uint8Array) || !isInteger(plane.stride) || plane.stride < 1) {
      throw new NativeError('INVALID_ARGUMENT', `planes[${i}] must be { data: Uint8Array, stride: positive integer }`);
    }
  }
  const fields = new Int32Array(copies.length * FIELDS);
  for (const [i, c] of copies.entries()) {
    const values = [c.from, c.fromX, c.fromY, c.stepX, c.stepY, c.to, c.toX, c.toY, c.width, c.height];
    if (!values.every(isInteger)) throw new NativeError('INVALID_ARGUMENT', `copies[${i}] has a non-integer field`);
    fields.set([...values, c.mean ? 1 : 0], i * FIELDS);
  }
  try {
    await loadAddon().shufflePlanes(
      planes.map((p) => p.data),
      planes.map((p) => p.stride),
      fields,
    );
  } catch (error) {
    throw toNativeError(error);
  }
}
