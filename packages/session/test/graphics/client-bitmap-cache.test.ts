import { GfxCapsFlags, GfxCapsVersion } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { ClientBitmapCache, gfxCacheLimits, tileCacheKey } from '../../src/graphics/client-bitmap-cache.js';

const TILE_BYTES = 64 * 64 * 4;

describe('gfxCacheLimits', () => {
  it('gives 4096 slots and 16 MB to small-cache and thin clients and to 10.1, 25600 slots and 100 MB otherwise', () => {
    const small = { slots: 4096, bytes: 16 * 1024 * 1024 };
    const large = { slots: 25600, bytes: 100 * 1024 * 1024 };
    expect(gfxCacheLimits({ version: GfxCapsVersion.VERSION8, flags: GfxCapsFlags.SMALL_CACHE })).toEqual(small);
    expect(gfxCacheLimits({ version: GfxCapsVersion.VERSION81, flags: GfxCapsFlags.THINCLIENT })).toEqual(small);
    expect(gfxCacheLimits({ version: GfxCapsVersion.VERSION101, flags: 0 })).toEqual(small);
    expect(gfxCacheLimits({ version: GfxCapsVersion.VERSION8, flags: 0 })).toEqual(large);
    expect(gfxCacheLimits({ version: GfxCapsVersion.VERSION107, flags: GfxCapsFlags.AVC_DISABLED })).toEqual(large);
  });
});

describe('tileCacheKey', () => {
  it('depends on the pixels and the size, not on where they are', () => {
    const data = new Uint8Array(128 * 64 * 4);
    for (let i = 0; i < 64 * 4 * 64; i++) data[(i >> 8) * 512 + (i & 0xff)] = i & 0xff;
    for (let i = 0; i < 64 * 4 * 64; i++) data[(i >> 8) * 512 + 256 + (i & 0xff)] = i & 0xff;
    const frame = { width: 128, height: 64, stride: 512, data };
    const left = tileCacheKey(frame, { x: 0, y: 0, width: 64, height: 64 });
    expect(tileCacheKey(frame, { x: 64, y: 0, width: 64, height: 64 })).toBe(left);
    expect(tileCacheKey(frame, { x: 0, y: 0, width: 64, height: 32 })).not.toBe(left);
    data[5] ^= 1;
    expect(tileCacheKey(frame, { x: 0, y: 0, width: 64, height: 64 })).not.toBe(left);
    expect(typeof left).toBe('bigint');
    expect(left < 1n << 64n).toBe(true);
  });
});

describe('ClientBitmapCache', () => {
  it('hands out slots 1 to MaxCacheSlots - 1 and evicts the least recently used when full', () => {
    const cache = new ClientBitmapCache({ slots: 4, bytes: 1 << 30 });
    const a = cache.store(1n, TILE_BYTES);
    const b = cache.store(2n, TILE_BYTES);
    const c = cache.store(3n, TILE_BYTES);
    expect([a?.slot, b?.slot, c?.slot].sort()).toEqual([1, 2, 3]);
    expect(cache.lookup(1n, TILE_BYTES)).toBe(a?.slot);
    const d = cache.store(4n, TILE_BYTES);
    expect(d).toEqual({ slot: b?.slot, evicted: [b?.slot] });
    expect(cache.lookup(2n, TILE_BYTES)).toBeUndefined();
    expect(cache.lookup(1n, TILE_BYTES)).toBe(a?.slot);
    expect(cache.size).toBe(3);
  });

  it('keeps the bytes within the cache size, and a hit needs the same size', () => {
    const cache = new ClientBitmapCache({ slots: 100, bytes: 2 * TILE_BYTES });
    cache.store(1n, TILE_BYTES);
    cache.store(2n, TILE_BYTES);
    expect(cache.store(3n, TILE_BYTES)?.evicted).toHaveLength(1);
    expect(cache.store(4n, TILE_BYTES + 4)).toBeUndefined();
    expect(cache.lookup(3n, TILE_BYTES / 2)).toBeUndefined();
    expect(cache.lookup(3n, TILE_BYTES)).toBeDefined();
  });

  it('answers an import offer in order, stopping at the first entry that is no tile or does not fit', () => {
    const cache = new ClientBitmapCache({ slots: 10, bytes: 3 * TILE_BYTES });
    const slots = cache.importOffer([
      { cacheKey: 10n, bitmapLength: TILE_BYTES },
      { cacheKey: 11n, bitmapLength: 32 * 64 * 4 },
      { cacheKey: 12n, bitmapLength: 3 },
      { cacheKey: 13n, bitmapLength: TILE_BYTES },
    ]);
    expect(slots).toHaveLength(2);
    expect(cache.lookup(10n, TILE_BYTES)).toBe(slots[0]);
    expect(cache.lookup(11n, 32 * 64 * 4)).toBe(slots[1]);
    expect(cache.lookup(13n, TILE_BYTES)).toBeUndefined();
    // Content already cached on this connection answers with its slot; the same key at another size stops the reply.
    const sent = cache.store(20n, TILE_BYTES)?.slot;
    expect(
      cache.importOffer([
        { cacheKey: 20n, bitmapLength: TILE_BYTES },
        { cacheKey: 20n, bitmapLength: 16 },
        { cacheKey: 21n, bitmapLength: 16 },
      ]),
    ).toEqual([sent]);
    const full = new ClientBitmapCache({ slots: 3, bytes: 1 << 30 });
    expect(full.importOffer([1n, 2n, 3n, 4n].map((cacheKey) => ({ cacheKey, bitmapLength: 16 })))).toEqual([1, 2]);
  });

  it('clears to the slots a reset must evict', () => {
    const cache = new ClientBitmapCache({ slots: 10, bytes: 1 << 30 });
    cache.store(1n, 16);
    cache.store(2n, 16);
    expect(cache.clear().sort()).toEqual([1, 2]);
    expect(cache.size).toBe(0);
  });
});
