import { GfxCodecId, type GfxPdu, GfxPixelFormat } from '@rdshare/protocol';
import { type ClientBitmapCache, cachedBytes } from './client-bitmap-cache.js';
import type { EncodedTile } from './encoded-tile-cache.js';
import type { SurfaceMove } from './move-detector.js';
import { type FillTile, solidFillPdus } from './solid-fill.js';

/**
 * The RDPGFX commands that bring one attendee's surface up to date with `tiles` after `copies`, in the order the
 * client must apply them: the copies first (they read the surface as it was), then fills, then each other tile
 * drawn from the client's cache when its model says the client holds that content, else sent planar and kept in
 * the cache (evicting what was used longest ago) for when it comes back.
 */
export function gfxFramePdus(
  surfaceId: number,
  tiles: readonly EncodedTile[],
  copies: readonly SurfaceMove[],
  cache: ClientBitmapCache,
): GfxPdu[] {
  const pdus: GfxPdu[] = copies.map(({ src, dest }) => ({
    type: 'surfaceToSurface',
    surfaceIdSrc: surfaceId,
    surfaceIdDest: surfaceId,
    rectSrc: { left: src.x, top: src.y, right: src.x + src.width, bottom: src.y + src.height },
    destPts: [dest],
  }));
  const fills: FillTile[] = [];
  for (const tile of tiles) if (tile.fill !== undefined) fills.push({ rect: tile.rect, fill: tile.fill });
  pdus.push(...solidFillPdus(surfaceId, fills));
  for (const tile of tiles) {
    if (tile.fill !== undefined) continue;
    const { x, y, width, height } = tile.rect;
    const bytes = cachedBytes(width, height);
    const slot = tile.cacheKey === undefined ? undefined : cache.lookup(tile.cacheKey, bytes);
    if (slot !== undefined) {
      pdus.push({ type: 'cacheToSurface', cacheSlot: slot, surfaceId, destPts: [{ x, y }] });
      continue;
    }
    const destRect = { left: x, top: y, right: x + width, bottom: y + height };
    pdus.push({
      type: 'wireToSurface1',
      surfaceId,
      codecId: GfxCodecId.PLANAR,
      pixelFormat: GfxPixelFormat.XRGB_8888,
      destRect,
      bitmapData: tile.data,
    });
    const stored = tile.cacheKey === undefined ? undefined : cache.store(tile.cacheKey, bytes);
    if (!stored || tile.cacheKey === undefined) continue;
    for (const cacheSlot of stored.evicted) pdus.push({ type: 'evictCacheEntry', cacheSlot });
    pdus.push({
      type: 'surfaceToCache',
      surfaceId,
      cacheKey: tile.cacheKey,
      cacheSlot: stored.slot,
      rectSrc: destRect,
    });
  }
  return pdus;
}
