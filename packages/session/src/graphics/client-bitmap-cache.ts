import { createHash } from 'node:crypto';
import { type GfxCapabilitySet, GfxCapsFlags, GfxCapsVersion } from '@rdshare/protocol';
import type { Rect } from './tile-grid.js';
import { TILE_SIZE } from './tile-grid.js';
import type { FramePixels } from './tile-store.js';

/** What a client's bitmap cache holds at most (MS-RDPEGFX MaxCacheSlots and the capability sets' cache size flags). */
export interface GfxCacheLimits {
  /** Slots numbered 1 to this (a 16 MB cache has 4096, a 100 MB one 25600). */
  slots: number;
  /** Bytes of bitmaps at 4 bytes a pixel. */
  bytes: number;
}

const SMALL_CACHE_SLOTS = 4096;
const LARGE_CACHE_SLOTS = 25600;
const MEGABYTE = 1024 * 1024;
const SMALL_CACHE_BYTES = 16 * MEGABYTE;
const LARGE_CACHE_BYTES = 100 * MEGABYTE;
/** Bytes a cached pixel takes on the client (the surfaces are 32 bpp). */
const CACHE_BYTES_PER_PIXEL = 4;

/**
 * The cache the confirmed set gives the client: small (16 MB, 4096 slots) when it asked for RDPGFX_CAPS_FLAG_SMALL_CACHE
 * or is a thin client, and for version 10.1, whose set has no flags to say otherwise; large (100 MB, 25600 slots)
 * otherwise.
 */
export function gfxCacheLimits(capsSet: GfxCapabilitySet): GfxCacheLimits {
  const small =
    capsSet.version === GfxCapsVersion.VERSION101 ||
    (capsSet.flags & (GfxCapsFlags.SMALL_CACHE | GfxCapsFlags.THINCLIENT)) !== 0;
  return small
    ? { slots: SMALL_CACHE_SLOTS, bytes: SMALL_CACHE_BYTES }
    : { slots: LARGE_CACHE_SLOTS, bytes: LARGE_CACHE_BYTES };
}

/** Names which pixels a cache key stands for, so keys of other schemes never match ours. */
const CACHE_KEY_DOMAIN = 'rdshare gfx tile v1';

/**
 * The RDPGFX cacheKey for `rect` of `frame`: the first 64 bits of SHA-256 over its size and pixels. A key says
 * what the pixels are, not where they were, so the same content anywhere on the screen, in any session, has the
 * same key: that is what lets a cache hit replace an encode, and an imported key be trusted once the content is
 * seen again.
 */
export function tileCacheKey(frame: FramePixels, rect: Rect): bigint {
  const hash = createHash('sha256');
  const header = new Uint8Array(4);
  new DataView(header.buffer).setUint16(0, rect.width, true);
  new DataView(header.buffer).setUint16(2, rect.height, true);
  hash.update(CACHE_KEY_DOMAIN).update(header);
  const rowBytes = rect.width * 4;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    const start = y * frame.stride + rect.x * 4;
    hash.update(frame.data.subarray(start, start + rowBytes));
  }
  return hash.digest().readBigUInt64LE(0);
}

/** Bytes a cached rect takes on the client. */
export function cachedBytes(width: number, height: number): number {
  return width * height * CACHE_BYTES_PER_PIXEL;
}

/** The most bytes one cache entry may have: a whole tile. Imported entries larger than this are refused. */
const MAX_ENTRY_BYTES = cachedBytes(TILE_SIZE, TILE_SIZE);

interface Entry {
  slot: number;
  bytes: number;
}

/**
 * What one attendee's client holds in a bitmap cache, as far as this server put it there (or accepted it on
 * import): content key to slot, least recently used first. The graphics pipeline's cache (RDPGFX cache slots) or
 * a revision 2 cache of bitmap updates (MemBlt's cache indices). Bounded by the client's slot count and cache
 * size; the entry used longest ago makes room for a new one (the caller sends RDPGFX_EVICT_CACHE_ENTRY_PDU for
 * each slot {@link store} evicts; a revision 2 cache just overwrites the index). Slots run from 1 to below
 * `limits.slots`, which FreeRDP's older 0-based and newer 1-based RDPGFX slot checks, and a revision 2 cache of
 * that many entries, all accept.
 */
export class ClientBitmapCache {
  /** Insertion order is use order: the first entry is the least recently used. */
  private readonly entries = new Map<bigint, Entry>();
  private readonly freeSlots: number[] = [];
  private bytes = 0;
  /** Hits served (for tests and statistics). */
  hits = 0;

  constructor(private readonly limits: GfxCacheLimits) {
    for (let slot = limits.slots - 1; slot >= 1; slot--) this.freeSlots.push(slot);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The slot holding `key` with `bytes` of pixels, marked as just used; undefined when the client lacks it. */
  lookup(key: bigint, bytes: number): number | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.bytes !== bytes) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry.slot;
  }

  /**
   * A slot for `key` (not cached yet), evicting the least recently used entries until the slot and its bytes fit;
   * undefined for entries too large to cache.
   */
  store(key: bigint, bytes: number): { slot: number; evicted: number[] } | undefined {
    if (bytes > MAX_ENTRY_BYTES || this.entries.has(key)) return undefined;
    const evicted: number[] = [];
    while (this.freeSlots.length === 0 || this.bytes + bytes > this.limits.bytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return undefined;
      evicted.push(this.remove(oldest.value));
    }
    const slot = this.freeSlots.pop() as number;
    this.entries.set(key, { slot, bytes });
    this.bytes += bytes;
    return { slot, evicted };
  }

  /**
   * RDPGFX_CACHE_IMPORT_REPLY_PDU's slots for an RDPGFX_CACHE_IMPORT_OFFER_PDU: the offered entries, in order, that
   * fit the cache and could be one of our tiles get a slot; the reply stops at the first that does not, so each
   * slot answers the offered entry at the same index. An accepted key is only used once content with that key
   * shows again, and its size must match the offered bitmapLength, so a client can at worst mislead itself.
   * Content this connection already cached (sent before the offer arrived: the client offers after the
   * capabilities, when the first frame is on its way) answers with the slot holding it, the same pixels.
   */
  importOffer(offered: readonly { cacheKey: bigint; bitmapLength: number }[]): number[] {
    const slots: number[] = [];
    for (const { cacheKey, bitmapLength } of offered) {
      if (bitmapLength <= 0 || bitmapLength % CACHE_BYTES_PER_PIXEL !== 0) break;
      const held = this.entries.get(cacheKey);
      if (held?.bytes === bitmapLength) {
        slots.push(held.slot);
        continue;
      }
      if (this.freeSlots.length === 0 || this.bytes + bitmapLength > this.limits.bytes) break;
      const stored = this.store(cacheKey, bitmapLength);
      if (!stored) break;
      slots.push(stored.slot);
    }
    return slots;
  }

  /** Forgets every entry and returns the slots to evict, so a client that kept them and one that did not agree. */
  clear(): number[] {
    return [...this.entries.keys()].map((key) => this.remove(key));
  }

  private remove(key: bigint): number {
    const entry = this.entries.get(key) as Entry;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    this.freeSlots.push(entry.slot);
    return entry.slot;
  }
}
