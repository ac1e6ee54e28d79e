/** A rectangle in desktop pixels (x, y inclusive; width and height in pixels). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const TILE_SIZE = 64;

/** The desktop cut into TILE_SIZE squares (edge tiles smaller); tiles are numbered row by row. */
export class TileGrid {
  readonly columns: number;
  readonly rows: number;
  readonly count: number;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.columns = Math.ceil(width / TILE_SIZE);
    this.rows = Math.ceil(height / TILE_SIZE);
    this.count = this.columns * this.rows;
  }

  rectOf(tile: number): Rect {
    const col = tile % this.columns;
    const row = (tile - col) / this.columns;
    const x = col * TILE_SIZE;
    const y = row * TILE_SIZE;
    return { x, y, width: Math.min(TILE_SIZE, this.width - x), height: Math.min(TILE_SIZE, this.height - y) };
  }

  /** The tile holding the pixel at (x, y); undefined outside the desktop. */
  tileAt(x: number, y: number): number | undefined {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return undefined;
    return Math.floor(y / TILE_SIZE) * this.columns + Math.floor(x / TILE_SIZE);
  }

  /** Calls `fn` with every tile index that `rect` (clipped to the desktop) touches. */
  forEachTileIn(rect: Rect, fn: (tile: number) => void): void {
    const x0 = Math.max(0, rect.x);
    const y0 = Math.max(0, rect.y);
    const x1 = Math.min(this.width, rect.x + rect.width);
    const y1 = Math.min(this.height, rect.y + rect.height);
    if (x1 <= x0 || y1 <= y0) return;
    const c0 = Math.floor(x0 / TILE_SIZE);
    const c1 = Math.floor((x1 - 1) / TILE_SIZE);
    const r0 = Math.floor(y0 / TILE_SIZE);
    const r1 = Math.floor((y1 - 1) / TILE_SIZE);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) fn(r * this.columns + c);
  }

  /** The tiles `rect` covers whole (edge tiles count whole when `rect` reaches the desktop's edge). */
  tilesWithin(rect: Rect): number[] {
    const tiles: number[] = [];
    this.forEachTileIn(rect, (t) => {
      const r = this.rectOf(t);
      const inside =
        r.x >= rect.x &&
        r.y >= rect.y &&
        r.x + r.width <= rect.x + rect.width &&
        r.y + r.height <= rect.y + rect.height;
      if (inside) tiles.push(t);
    });
    return tiles;
  }
}

/** The smallest rectangle holding all of `rects`, or undefined for none. */
export function boundingRect(rects: readonly Rect[]): Rect | undefined {
  if (rects.length === 0) return undefined;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const r of rects) {
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + r.width);
    y1 = Math.max(y1, r.y + r.height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** `rect` clipped to `bounds`, or undefined when they do not overlap. */
export function intersectRect(rect: Rect, bounds: Rect): Rect | undefined {
  const x0 = Math.max(rect.x, bounds.x);
  const y0 = Math.max(rect.y, bounds.y);
  const x1 = Math.min(rect.x + rect.width, bounds.x + bounds.width);
  const y1 = Math.min(rect.y + rect.height, bounds.y + bounds.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
}
