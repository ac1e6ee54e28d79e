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

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}
