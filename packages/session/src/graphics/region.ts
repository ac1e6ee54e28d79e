import { intersectRect, type Rect } from './tile-grid.js';

/** An area of the desktop as disjoint rectangles (no two overlap). */
export type Region = readonly Rect[];

/** `rect` minus `cut`: up to four disjoint pieces (the bands above and below, then left and right of `cut`). */
export function subtractRect(rect: Rect, cut: Rect): Rect[] {
  const overlap = intersectRect(rect, cut);
  if (!overlap) return [rect];
  const pieces: Rect[] = [];
  const right = rect.x + rect.width;
  const bottom = rect.y + rect.height;
  const overlapRight = overlap.x + overlap.width;
  const overlapBottom = overlap.y + overlap.height;
  if (overlap.y > rect.y) pieces.push({ x: rect.x, y: rect.y, width: rect.width, height: overlap.y - rect.y });
  if (overlapBottom < bottom) {
    pieces.push({ x: rect.x, y: overlapBottom, width: rect.width, height: bottom - overlapBottom });
  }
  if (overlap.x > rect.x) pieces.push({ x: rect.x, y: overlap.y, width: overlap.x - rect.x, height: overlap.height });
  if (overlapRight < right) {
    pieces.push({ x: overlapRight, y: overlap.y, width: right - overlapRight, height: overlap.height });
  }
  return pieces;
}

/** `region` minus every rectangle of `cuts`. */
export function subtractRegion(region: Region, cuts: Region): Rect[] {
  let rest = [...region];
  for (const cut of cuts) rest = rest.flatMap((r) => subtractRect(r, cut));
  return rest;
}

/** `region` plus `rect`, still disjoint: only the parts of `rect` not yet covered are added. */
export function addRect(region: Region, rect: Rect): Rect[] {
  if (rect.width <= 0 || rect.height <= 0) return [...region];
  return [...region, ...subtractRegion([rect], region)];
}

/** The parts covered by both `a` and `b`. */
export function regionIntersect(a: Region, b: Region): Rect[] {
  return subtractRegion(a, subtractRegion(a, b));
}

/** Where `a` and `b` differ: the parts covered by exactly one of them. */
export function regionXor(a: Region, b: Region): Rect[] {
  return [...subtractRegion(a, b), ...subtractRegion(b, a)];
}

/** `region` clipped to `bounds` and moved so that `bounds`' corner is the origin. */
export function regionWithin(region: Region, bounds: Rect): Rect[] {
  const out: Rect[] = [];
  for (const r of region) {
    const clipped = intersectRect(r, bounds);
    if (clipped) out.push({ ...clipped, x: clipped.x - bounds.x, y: clipped.y - bounds.y });
  }
  return out;
}
