import { GfxCapsFlags, GfxCapsVersion, GfxCodecId, type GfxPdu, GfxPixelFormat } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import type { FrameBuffer } from '../../src/frame-buffer.js';
import { GfxPersistentCache } from '../../src/graphics-pipeline/gfx-persistent-cache.js';
import { ViewerError } from '../../src/index.js';
import { gfxHarness, wireToSurface1 } from '../support/gfx-harness.js';

/** A started client on a 4x2 surface sharing `persistentCache`; `feed` resolves once what it delivered is processed. */
function connection(persistentCache: GfxPersistentCache) {
  const harness = gfxHarness({ persistentCache }, { width: 4, height: 2 });
  harness.client.start();
  const feed = async (pdus: GfxPdu[]) => {
    harness.feed(pdus);
    await harness.client.idle();
  };
  return { ...harness, feed };
}

const CONFIRM: GfxPdu = {
  type: 'capsConfirm',
  capsSet: { version: GfxCapsVersion.VERSION107, flags: GfxCapsFlags.SMALL_CACHE },
};
const SURFACE: GfxPdu[] = [
  { type: 'resetGraphics', width: 4, height: 2, monitors: [] },
  { type: 'createSurface', surfaceId: 1, width: 4, height: 2, pixelFormat: GfxPixelFormat.XRGB_8888 },
  { type: 'mapSurfaceToOutput', surfaceId: 1, outputOriginX: 0, outputOriginY: 0 },
];

/** RGBA of the frame buffer's row 0. */
const row0 = (frame: FrameBuffer) => [...frame.data.subarray(0, 16)];

describe('RDPGFX cache import (MS-RDPEGFX 2.2.2.16, 2.2.2.17)', () => {
  it('a first connection offers nothing; the next offers what the server cached, and draws imported slots', async () => {
    const persistent = new GfxPersistentCache();
    const first = connection(persistent);
    const pixels = Uint8Array.of(1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 10, 11, 12, 0);
    await first.feed([
      CONFIRM,
      ...SURFACE,
      { type: 'startFrame', timestamp: 0, frameId: 1 },
      wireToSurface1(GfxCodecId.UNCOMPRESSED, { left: 0, top: 0, right: 4, bottom: 1 }, pixels),
      {
        type: 'surfaceToCache',
        surfaceId: 1,
        cacheKey: 0xa1n,
        cacheSlot: 3,
        rectSrc: { left: 0, top: 0, right: 2, bottom: 1 },
      },
      {
        type: 'surfaceToCache',
        surfaceId: 1,
        cacheKey: 0xb2n,
        cacheSlot: 4,
        rectSrc: { left: 2, top: 0, right: 4, bottom: 1 },
      },
      { type: 'evictCacheEntry', cacheSlot: 3 }, // gone from this connection's cache, kept for the next
      { type: 'endFrame', frameId: 1 },
    ]);
    expect(first.sentPdus().map((p) => p.type)).toEqual(['capsAdvertise', 'frameAcknowledge']);
    const drawn = row0(first.frame());
    first.client.close();

    const second = connection(persistent);
    await second.feed([CONFIRM]);
    // The entry cached last comes first; bitmapLength is its BGRA size.
    expect(second.sentPdus().at(-1)).toEqual({
      type: 'cacheImportOffer',
      cacheEntries: [
        { cacheKey: 0xb2n, bitmapLength: 8 },
        { cacheKey: 0xa1n, bitmapLength: 8 },
      ],
    });
    expect(second.client.stats.cacheOffered).toBe(2);
    // The server took both, into slots 9 and 12, and draws the picture from them alone.
    await second.feed([
      { type: 'cacheImportReply', cacheSlots: [9, 12] },
      ...SURFACE,
      { type: 'startFrame', timestamp: 0, frameId: 1 },
      { type: 'cacheToSurface', cacheSlot: 12, surfaceId: 1, destPts: [{ x: 0, y: 0 }] },
      { type: 'cacheToSurface', cacheSlot: 9, surfaceId: 1, destPts: [{ x: 2, y: 0 }] },
      { type: 'endFrame', frameId: 1 },
    ]);
    expect(second.failures).toEqual([]);
    expect(row0(second.frame())).toEqual(drawn);
    expect(second.client.stats).toMatchObject({ cacheImported: 2, cacheToSurface: 2 });
  });

  it('a reply naming more slots than entries offered is a protocol error; fewer leaves the rest out', async () => {
    const persistent = new GfxPersistentCache();
    persistent.remember({ cacheKey: 1n, width: 1, height: 1, pixels: Uint8Array.of(1, 2, 3, 255) });
    persistent.remember({ cacheKey: 2n, width: 1, height: 1, pixels: Uint8Array.of(4, 5, 6, 255) });
    const partial = connection(persistent);
    await partial.feed([CONFIRM, { type: 'cacheImportReply', cacheSlots: [5] }]);
    await partial.feed([...SURFACE, { type: 'cacheToSurface', cacheSlot: 5, surfaceId: 1, destPts: [{ x: 0, y: 0 }] }]);
    expect(partial.failures).toEqual([]);
    expect(row0(partial.frame()).slice(0, 4)).toEqual([6, 5, 4, 255]); // key 2, offered first
    const greedy = connection(persistent);
    await greedy.feed([CONFIRM, { type: 'cacheImportReply', cacheSlots: [5, 6, 7] }]);
    expect(greedy.failures.map((e) => e.message)).toEqual(['MS-RDPEGFX cache: 3 slots imported for 2 entries offered']);
  });
});

describe('GfxPersistentCache', () => {
  const entry = (key: number, bytes: number) => ({
    cacheKey: BigInt(key),
    width: bytes / 4,
    height: 1,
    pixels: new Uint8Array(bytes).fill(key),
  });

  it('stays within its entries and bytes, dropping the entry used longest ago', () => {
    const cache = new GfxPersistentCache(3, 64);
    for (const key of [1, 2, 3]) cache.remember(entry(key, 16));
    cache.touch(1n);
    cache.remember(entry(4, 16)); // over 3 entries: 2 goes
    expect(cache.offer().map((e) => e.cacheKey)).toEqual([4n, 1n, 3n]);
    cache.remember(entry(5, 32)); // over 64 bytes: 3 goes
    expect(cache.offer().map((e) => e.cacheKey)).toEqual([5n, 4n, 1n]);
    expect([cache.count, cache.size]).toEqual([3, 64]);
    cache.remember(entry(6, 32)); // 1 (entries) and 4 (bytes) go
    expect(cache.offer().map((e) => e.cacheKey)).toEqual([6n, 5n]);
    cache.remember(entry(7, 128)); // larger than the whole cache: not kept
    expect(cache.count).toBe(2);
    expect(() => new GfxPersistentCache(5000)).toThrow(ViewerError);
    expect(() => new GfxPersistentCache(10, 64 * 1024 * 1024)).toThrow(/maxBytes/);
  });

  it('saves to bytes and loads them back in a new process (same entries, same order); refuses other bytes', () => {
    const cache = new GfxPersistentCache();
    for (const key of [7, 8, 9]) cache.remember(entry(key, 8));
    cache.touch(7n);
    const saved = cache.save();
    // Signature "RGC1", 3 entries, then key 8: cacheKey, width 2, height 1, 8 bytes of pixels.
    expect([...saved.subarray(0, 28)]).toEqual([
      ...[0x52, 0x47, 0x43, 0x31, 3, 0, 0, 0],
      ...[8, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0],
      ...[8, 8, 8, 8, 8, 8, 8, 8],
    ]);
    const loaded = GfxPersistentCache.load(saved);
    expect(loaded.offer()).toEqual(cache.offer());
    expect(
      GfxPersistentCache.load(saved, 2)
        .offer()
        .map((e) => e.cacheKey),
    ).toEqual([7n, 9n]);
    for (const bad of [saved.subarray(0, 20), Uint8Array.of(1, 2, 3), new Uint8Array(8), Uint8Array.of(...saved, 0)])
      expect(() => GfxPersistentCache.load(bad)).toThrow(ViewerError);
  });
});
