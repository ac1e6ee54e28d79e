import { decodePlanar, GfxCodecId, type GfxPdu } from '@rdshare/protocol';

/**
 * A client's RDPGFX surface and bitmap cache, in memory, for tests: applies what the sharer sends as the
 * protocol says (copies read the surface as it was before the copy) and fails loudly on anything a real client
 * would refuse (a slot in use, an empty slot, a rect off the surface). Pixels are B,G,R,A as planar decodes them.
 */
export class GfxSurfaceModel {
  readonly pixels: Uint8Array;
  readonly slots = new Map<number, { width: number; height: number; pixels: Uint8Array; cacheKey: bigint }>();

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 4);
  }

  apply(pdus: readonly GfxPdu[]): void {
    for (const pdu of pdus) this.applyOne(pdu);
  }

  /** The B,G,R of every pixel equal to `frame`'s (a BGRX frame of the surface's size). */
  differingPixels(frame: { data: Uint8Array; stride: number }): number {
    let n = 0;
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const a = (y * this.width + x) * 4;
        const b = y * frame.stride + x * 4;
        if (
          this.pixels[a] !== frame.data[b] ||
          this.pixels[a + 1] !== frame.data[b + 1] ||
          this.pixels[a + 2] !== frame.data[b + 2]
        )
          n++;
      }
    }
    return n;
  }

  private read(x: number, y: number, width: number, height: number): Uint8Array {
    this.check(x, y, width, height);
    const out = new Uint8Array(width * height * 4);
    for (let row = 0; row < height; row++) {
      const start = ((y + row) * this.width + x) * 4;
      out.set(this.pixels.subarray(start, start + width * 4), row * width * 4);
    }
    return out;
  }

  private write(x: number, y: number, width: number, height: number, pixels: Uint8Array): void {
    this.check(x, y, width, height);
    for (let row = 0; row < height; row++) {
      this.pixels.set(pixels.subarray(row * width * 4, (row + 1) * width * 4), ((y + row) * this.width + x) * 4);
    }
  }

  private check(x: number, y: number, width: number, height: number): void {
    if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > this.width || y + height > this.height) {
      throw new Error(`rect ${x},${y} ${width}x${height} is off the ${this.width}x${this.height} surface`);
    }
  }

  private applyOne(pdu: GfxPdu): void {
    switch (pdu.type) {
      case 'wireToSurface1': {
        if (pdu.codecId !== GfxCodecId.PLANAR) throw new Error(`codec ${pdu.codecId} in a lossless test`);
        const { left, top, right, bottom } = pdu.destRect;
        const pixels = new Uint8Array((right - left) * (bottom - top) * 4);
        decodePlanar(pdu.bitmapData, right - left, bottom - top, pixels, { bottomUp: false });
        this.write(left, top, right - left, bottom - top, pixels);
        return;
      }
      case 'solidFill': {
        const b = pdu.fillPixel & 0xff;
        const g = (pdu.fillPixel >>> 8) & 0xff;
        const r = (pdu.fillPixel >>> 16) & 0xff;
        const a = pdu.fillPixel >>> 24;
        for (const rect of pdu.fillRects) {
          const w = rect.right - rect.left;
          const h = rect.bottom - rect.top;
          const pixels = new Uint8Array(w * h * 4);
          for (let i = 0; i < pixels.length; i += 4) pixels.set([b, g, r, a], i);
          this.write(rect.left, rect.top, w, h, pixels);
        }
        return;
      }
      case 'surfaceToSurface': {
        const { left, top, right, bottom } = pdu.rectSrc;
        const block = this.read(left, top, right - left, bottom - top);
        for (const p of pdu.destPts) this.write(p.x, p.y, right - left, bottom - top, block);
        return;
      }
      case 'surfaceToCache': {
        if (this.slots.has(pdu.cacheSlot)) throw new Error(`slot ${pdu.cacheSlot} stored over without an eviction`);
        const { left, top, right, bottom } = pdu.rectSrc;
        const pixels = this.read(left, top, right - left, bottom - top);
        this.slots.set(pdu.cacheSlot, { width: right - left, height: bottom - top, pixels, cacheKey: pdu.cacheKey });
        return;
      }
      case 'cacheToSurface': {
        const entry = this.slots.get(pdu.cacheSlot);
        if (!entry) throw new Error(`slot ${pdu.cacheSlot} is empty`);
        for (const p of pdu.destPts) this.write(p.x, p.y, entry.width, entry.height, entry.pixels);
        return;
      }
      case 'evictCacheEntry':
        if (!this.slots.delete(pdu.cacheSlot)) throw new Error(`slot ${pdu.cacheSlot} evicted while empty`);
        return;
      default:
        return;
    }
  }
}
