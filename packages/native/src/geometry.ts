import { NativeError } from './errors.js';

/** An axis-aligned rectangle in screen pixels; `x`/`y` is the top-left corner. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A position in screen pixels. */
export interface Point {
  x: number;
  y: number;
}

/** The size of a screen or frame in pixels. */
export interface Size {
  width: number;
  height: number;
}

/** Unpacks the `[x, y, width, height, ...]` quadruples the addon returns. */
export function rectsFromQuads(quads: Int32Array): Rect[] {
  const rects: Rect[] = [];
  for (let i = 0; i + 3 < quads.length; i += 4) {
    rects.push({ x: quads[i], y: quads[i + 1], width: quads[i + 2], height: quads[i + 3] });
  }
  return rects;
}

/**
 * Packs rectangles as the `[x, y, width, height, ...]` quadruples the addon reads; throws `INVALID_ARGUMENT`
 * naming `what` for one that is not four 32-bit integers with a non-negative size.
 */
export function quadsOf(rects: readonly Rect[], what: string): Int32Array {
  const int32 = (v: unknown) => isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff;
  const quads = new Int32Array(rects.length * 4);
  rects.forEach((r, i) => {
    if (!r || ![r.x, r.y, r.width, r.height].every(int32) || r.width < 0 || r.height < 0) {
      throw new NativeError('INVALID_ARGUMENT', `${what}[${i}] is not a rectangle of integers: ${JSON.stringify(r)}`);
    }
    quads.set([r.x, r.y, r.width, r.height], i * 4);
  });
  return quads;
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}
