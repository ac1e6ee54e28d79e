import { ViewerError } from '../errors.js';
import { GFX_SMALL_CACHE_BYTES, GFX_SMALL_CACHE_SLOTS, type GfxCacheEntry } from './gfx-cache.js';

/** Bytes a cached pixel takes: the viewer's surfaces are BGRA. */
const BYTES_PER_PIXEL = 4;
/** "RGC1": an rdshare graphics cache, format 1 (what {@link GfxPersistentCache.save} writes). */
const MAGIC = 0x31434752;
const HEADER_BYTES = 8;
/** cacheKey (8), width (2), height (2). */
const ENTRY_HEADER_BYTES = 12;

/**
 * The bitmaps a viewer keeps from the sharer's RDPGFX cache across connections, offered back to the sharer with
 * RDPGFX_CACHE_IMPORT_OFFER_PDU when the viewer joins again (MS-RDPEGFX 2.2.2.16): the sharer answers with the
 * slots it filled from them (RDPGFX_CACHE_IMPORT_REPLY_PDU, 2.2.2.17) and can then draw that content from the cache
 * instead of sending it again. What mstsc keeps on disk as its persistent bitmap cache; RDPSRAPI has no
 * counterpart.
 *
 * Bounded like the small cache the viewer advertises (4095 entries, 16 MiB of pixels: an offer never exceeds what
 * the sharer may put in the client's cache); the entry used longest ago makes room. Each RdpViewer has one of its
 * own, so a colour depth change or a new `connect` offers what the last connection cached; pass one in
 * {@link RdpViewerOptions.graphicsCache} to share it between viewers, and {@link save} / {@link load} it to keep it
 * across processes.
 *
 * @example
 * ```ts
 * import { readFile, writeFile } from 'node:fs/promises';
 * const graphicsCache = await readFile('viewer.cache').then(GfxPersistentCache.load, () => new GfxPersistentCache());
 * const viewer = new RdpViewer({ crypto, transport, graphicsPipeline: true, graphicsCache });
 * // ...later, when the viewer is done:
 * await writeFile('viewer.cache', graphicsCache.save());
 * ```
 */
export class GfxPersistentCache {
  /** Insertion order is use order: the first entry is the one used longest ago. */
  private readonly entries = new Map<bigint, GfxCacheEntry>();
  private bytes = 0;

  constructor(
    /** At most this many entries (default 4095, the slots a small-cache server hands out). */
    readonly maxEntries = GFX_SMALL_CACHE_SLOTS - 1,
    /** At most this many bytes of pixels (default 16 MiB, the small cache's size). */
    readonly maxBytes = GFX_SMALL_CACHE_BYTES,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0 || maxEntries > GFX_SMALL_CACHE_SLOTS - 1)
      throw new ViewerError('INVALID_ARGUMENT', `maxEntries ${maxEntries} outside 0..${GFX_SMALL_CACHE_SLOTS - 1}`);
    if (!Number.isInteger(maxBytes) || maxBytes < 0 || maxBytes > GFX_SMALL_CACHE_BYTES)
      throw new ViewerError('INVALID_ARGUMENT', `maxBytes ${maxBytes} outside 0..${GFX_SMALL_CACHE_BYTES}`);
  }

  /** Entries held. */
  get count(): number {
    return this.entries.size;
  }

  /** Bytes of pixels held. */
  get size(): number {
    return this.bytes;
  }

  /** Keeps `entry` (the sharer cached it), as the one used last; one too large for the cache is not kept. */
  remember(entry: GfxCacheEntry): void {
    const bytes = entry.pixels.byteLength;
    if (bytes > this.maxBytes || this.maxEntries === 0) return;
    this.forget(entry.cacheKey);
    while (this.entries.size >= this.maxEntries || this.bytes + bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.forget(oldest.value);
    }
    this.entries.set(entry.cacheKey, entry);
    this.bytes += bytes;
  }

  /** Marks the entry with `cacheKey` as just used (the sharer drew it from the cache). */
  touch(cacheKey: bigint): void {
    const entry = this.entries.get(cacheKey);
    if (!entry) return;
    this.entries.delete(cacheKey);
    this.entries.set(cacheKey, entry);
  }

  /** The entries to offer, the one used last first: when a sharer takes only some, it takes those. */
  offer(): GfxCacheEntry[] {
    return [...this.entries.values()].reverse();
  }

  /** The entries as bytes to store (a file, IndexedDB); {@link load} reads them back. */
  save(): Uint8Array {
    const out = new Uint8Array(HEADER_BYTES + this.entries.size * ENTRY_HEADER_BYTES + this.bytes);
    const view = new DataView(out.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, this.entries.size, true);
    let at = HEADER_BYTES;
    for (const entry of this.entries.values()) {
      view.setBigUint64(at, entry.cacheKey, true);
      view.setUint16(at + 8, entry.width, true);
      view.setUint16(at + 10, entry.height, true);
      out.set(entry.pixels, at + ENTRY_HEADER_BYTES);
      at += ENTRY_HEADER_BYTES + entry.pixels.byteLength;
    }
    return out;
  }

  /**
   * A cache holding what {@link save} wrote, in the same use order, within the given bounds (older entries beyond
   * them are dropped). Throws a ViewerError (INVALID_ARGUMENT) for bytes that are not a saved cache.
   */
  static load(
    bytes: Uint8Array,
    maxEntries = GFX_SMALL_CACHE_SLOTS - 1,
    maxBytes = GFX_SMALL_CACHE_BYTES,
  ): GfxPersistentCache {
    const bad = (why: string) => new ViewerError('INVALID_ARGUMENT', `not a saved graphics cache: ${why}`);
    if (!(bytes instanceof Uint8Array)) throw bad('expected a Uint8Array');
    if (bytes.byteLength < HEADER_BYTES) throw bad(`${bytes.byteLength} bytes`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) throw bad('wrong signature');
    const count = view.getUint32(4, true);
    if (count > GFX_SMALL_CACHE_SLOTS) throw bad(`${count} entries`);
    const cache = new GfxPersistentCache(maxEntries, maxBytes);
    let at = HEADER_BYTES;
    for (let i = 0; i < count; i++) {
      if (at + ENTRY_HEADER_BYTES > bytes.byteLength) throw bad(`entry ${i} is cut short`);
      const cacheKey = view.getBigUint64(at, true);
      const width = view.getUint16(at + 8, true);
      const height = view.getUint16(at + 10, true);
      const length = width * height * BYTES_PER_PIXEL;
      at += ENTRY_HEADER_BYTES;
      if (length === 0 || at + length > bytes.byteLength) throw bad(`entry ${i} (${width}x${height}) is cut short`);
      cache.remember({ cacheKey, width, height, pixels: bytes.slice(at, at + length) });
      at += length;
    }
    if (at !== bytes.byteLength) throw bad(`${bytes.byteLength - at} bytes after the last entry`);
    return cache;
  }

  private forget(cacheKey: bigint): void {
    const entry = this.entries.get(cacheKey);
    if (!entry) return;
    this.entries.delete(cacheKey);
    this.bytes -= entry.pixels.byteLength;
  }
}
