import type { Rect } from '../connection/rect.js';

/** A rectangle as RemoteFX regions carry it (TS_RFX_RECT, RFX_PROGRESSIVE's TS_RFX_RECT). */
export interface TileRegionRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The tile size of both RemoteFX codecs. */
export const RFX_TILE_SIZE = 64;

/**
 * The parts of a region's rects that the 64x64 tile at (`x`,`y`) covers, cut to `width` x `height`: a tile is
 * drawn only there ([MS-RDPRFX] 3.1.8.1, [MS-RDPEGFX] 3.2.8.1), as exclusive-edge rects.
 */
export function tileRects(
  rects: readonly TileRegionRect[],
  x: number,
  y: number,
  width: number,
  height: number,
): Rect[] {
  const out: Rect[] = [];
  for (const r of rects) {
    const left = Math.max(r.x, x);
    const top = Math.max(r.y, y);
    const right = Math.min(r.x + r.width, x + RFX_TILE_SIZE, width);
    const bottom = Math.min(r.y + r.height, y + RFX_TILE_SIZE, height);
    if (right > left && bottom > top) out.push({ left, top, right, bottom });
  }
  return out;
}
