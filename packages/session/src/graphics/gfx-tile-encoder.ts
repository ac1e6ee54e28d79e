import { bitmapTileEncoder } from './bitmap-tile-encoder.js';
import type { TileEncoder } from './encoded-tile-cache.js';
import { solidColour } from './solid-fill.js';

/**
 * The graphics pipeline's lossless tiles, once for all its attendees: a tile of one colour becomes a fill (no
 * pixels at all), any other is planar with its content's cache key, so each attendee can choose between drawing
 * it from its client's cache and sending the encoding.
 */
export function gfxTileEncoder(): TileEncoder {
  const planar = bitmapTileEncoder('gfx-planar-32');
  return (store, tile) => {
    const rect = store.grid.rectOf(tile);
    const fill = solidColour(store.frame, rect);
    if (fill !== undefined)
      return { rect, width: rect.width, bitsPerPixel: 32, flags: 0, data: new Uint8Array(0), fill };
    return planar(store, tile);
  };
}
