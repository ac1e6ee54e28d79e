import { ProtocolError } from '@rdshare/protocol';

const PDU = 'MS-RDPEGFX cache';

/**
 * The bitmap cache the client promises with RDPGFX_CAPS_FLAG_SMALL_CACHE (MS-RDPEGFX 2.2.3.1): 4096 slots and
 * 16 MiB of pixels. The viewer always advertises the small cache, so a browser tab holds at most this much.
 */
export const GFX_SMALL_CACHE_SLOTS = 4096;
export const GFX_SMALL_CACHE_BYTES = 16 * 1024 * 1024;

/** One cached bitmap: BGRA pixels, `width * 4` bytes per row. */
export interface GfxCacheEntry {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
  readonly cacheKey: bigint;
}

/**
 * The client's RDPGFX bitmap cache: slots 1..`maxSlots` filled by SurfaceToCache, read by CacheToSurface,
 * emptied by EvictCacheEntry. The server manages the slots; one that breaks the advertised limits (a slot out of
 * range, more bytes than `maxBytes`) or reads an empty slot is a ProtocolError.
 */
export class GfxCache {
  private readonly entries = new Map<number, GfxCacheEntry>();
  private bytes = 0;

  constructor(
    readonly maxSlots = GFX_SMALL_CACHE_SLOTS,
    readonly maxBytes = GFX_SMALL_CACHE_BYTES,
  ) {}

  /** Bytes of pixels held now. */
  get size(): number {
    return this.bytes;
  }

  get count(): number {
    return this.entries.size;
  }

  /** Fills `slot`, replacing what it held. */
  put(slot: number, entry: GfxCacheEntry): void {
    this.checkSlot(slot);
    const previous = this.entries.get(slot)?.pixels.byteLength ?? 0;
    if (this.bytes - previous + entry.pixels.byteLength > this.maxBytes) {
      throw new ProtocolError('OVERSIZE', `cache over its ${this.maxBytes} bytes`, PDU);
    }
    this.bytes += entry.pixels.byteLength - previous;
    this.entries.set(slot, entry);
  }

  get(slot: number): GfxCacheEntry {
    this.checkSlot(slot);
    const entry = this.entries.get(slot);
    if (!entry) throw new ProtocolError('INVALID', `cache slot ${slot} is empty`, PDU);
    return entry;
  }

  evict(slot: number): void {
    this.checkSlot(slot);
    const entry = this.entries.get(slot);
    if (!entry) return;
    this.bytes -= entry.pixels.byteLength;
    this.entries.delete(slot);
  }

  /**
   * A CacheImportReply: slot `slots[i]` now holds `offered[i]`, the i-th entry of this connection's
   * CacheImportOffer (MS-RDPEGFX 2.2.2.17). More slots than entries offered is a ProtocolError.
   */
  imported(slots: readonly number[], offered: readonly GfxCacheEntry[]): void {
    if (slots.length > offered.length) {
      throw new ProtocolError('INVALID', `${slots.length} slots imported for ${offered.length} entries offered`, PDU);
    }
    for (const [i, slot] of slots.entries()) this.put(slot, offered[i]);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private checkSlot(slot: number): void {
    if (slot < 1 || slot > this.maxSlots)
      throw new ProtocolError('INVALID', `cache slot ${slot} outside 1..${this.maxSlots}`, PDU);
  }
}
