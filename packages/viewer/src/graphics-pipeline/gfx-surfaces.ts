import { GfxPixelFormat, ProtocolError, type Rect } from '@rdshare/protocol';
import type { FrameBuffer, FrameRect } from '../frame-buffer.js';

const PDU = 'MS-RDPEGFX surface';
const BYTES_PER_PIXEL = 4;
/** A surface may be no larger than the frame buffer may (MAX_DIMENSION there). */
const MAX_SURFACE_DIMENSION = 8192;
/** Dirty rectangles kept per surface before they collapse into their bounding box. */
const MAX_DIRTY_RECTS = 64;

/** Whether `rect` (right/bottom exclusive) has any area. */
function isEmpty(r: Rect): boolean {
  return r.right <= r.left || r.bottom <= r.top;
}

/** The overlap of two rectangles (empty when they do not overlap). */
export function intersectRect(a: Rect, b: Rect): Rect {
  return {
    left: Math.max(a.left, b.left),
    top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right),
    bottom: Math.min(a.bottom, b.bottom),
  };
}

/**
 * One RDPGFX surface (MS-RDPEGFX 3.3.1.3): BGRA pixels, `width * 4` bytes per row, top-down, as the codecs
 * decode them; the output mapping and the rectangles changed since the last composition. Every write is clipped
 * to the surface, so a server's rectangle can never reach outside it.
 */
export class GfxSurface {
  readonly pixels: Uint8Array;
  /** Where MapSurfaceToOutput placed it on the output; undefined while unmapped. */
  output: { x: number; y: number } | undefined;
  private dirty: Rect[] = [];

  constructor(
    readonly surfaceId: number,
    readonly width: number,
    readonly height: number,
    readonly pixelFormat: number,
  ) {
    if (width < 1 || height < 1 || width > MAX_SURFACE_DIMENSION || height > MAX_SURFACE_DIMENSION) {
      throw new ProtocolError('OVERSIZE', `surface of ${width}x${height}`, PDU);
    }
    if (pixelFormat !== GfxPixelFormat.XRGB_8888 && pixelFormat !== GfxPixelFormat.ARGB_8888) {
      throw new ProtocolError('INVALID', `pixelFormat 0x${pixelFormat.toString(16)}`, PDU);
    }
    this.pixels = new Uint8Array(width * height * BYTES_PER_PIXEL);
  }

  get byteLength(): number {
    return this.pixels.byteLength;
  }

  get bounds(): Rect {
    return { left: 0, top: 0, right: this.width, bottom: this.height };
  }

  /** `rect` clipped to the surface (possibly empty). */
  clip(rect: Rect): Rect {
    return intersectRect(rect, this.bounds);
  }

  /** Remembers that `rect` changed (clipped), for the next {@link composeInto}. */
  invalidate(rect: Rect): void {
    const r = this.clip(rect);
    if (isEmpty(r)) return;
    if (this.dirty.length < MAX_DIRTY_RECTS) {
      this.dirty.push(r);
      return;
    }
    const all = this.dirty.reduce(
      (u, d) => ({
        left: Math.min(u.left, d.left),
        top: Math.min(u.top, d.top),
        right: Math.max(u.right, d.right),
        bottom: Math.max(u.bottom, d.bottom),
      }),
      r,
    );
    this.dirty = [all];
  }

  /**
   * Writes `width x height` BGRA pixels from `src` (`srcStride` bytes per row, starting at `srcOffset`) with
   * their top-left at `x`,`y`, clipped to the surface; with `opaque` the alpha bytes become 0xff.
   */
  write(
    src: Uint8Array,
    srcOffset: number,
    srcStride: number,
    x: number,
    y: number,
    width: number,
    height: number,
    opaque: boolean,
  ): void {
    const r = this.clip({ left: x, top: y, right: x + width, bottom: y + height });
    if (isEmpty(r)) return;
    const rowBytes = (r.right - r.left) * BYTES_PER_PIXEL;
    const stride = this.width * BYTES_PER_PIXEL;
    for (let row = r.top; row < r.bottom; row++) {
      const s = srcOffset + (row - y) * srcStride + (r.left - x) * BYTES_PER_PIXEL;
      const d = row * stride + r.left * BYTES_PER_PIXEL;
      this.pixels.set(src.subarray(s, s + rowBytes), d);
      if (opaque) for (let a = d + 3; a < d + rowBytes; a += BYTES_PER_PIXEL) this.pixels[a] = 0xff;
    }
    this.invalidate(r);
  }

  /** Fills `rect` (clipped) with one BGRA colour. */
  fill(rect: Rect, b: number, g: number, r: number, a: number): void {
    const c = this.clip(rect);
    if (isEmpty(c)) return;
    const stride = this.width * BYTES_PER_PIXEL;
    for (let row = c.top; row < c.bottom; row++) {
      for (let d = row * stride + c.left * BYTES_PER_PIXEL, end = row * stride + c.right * BYTES_PER_PIXEL; d < end; ) {
        this.pixels[d++] = b;
        this.pixels[d++] = g;
        this.pixels[d++] = r;
        this.pixels[d++] = a;
      }
    }
    this.invalidate(c);
  }

  /** A copy of `rect` (which must lie inside the surface) as tightly packed BGRA. */
  read(rect: Rect): Uint8Array {
    if (isEmpty(rect) || rect.left < 0 || rect.top < 0 || rect.right > this.width || rect.bottom > this.height) {
      throw new ProtocolError('INVALID', `rect ${JSON.stringify(rect)} outside surface ${this.surfaceId}`, PDU);
    }
    const rowBytes = (rect.right - rect.left) * BYTES_PER_PIXEL;
    const out = new Uint8Array(rowBytes * (rect.bottom - rect.top));
    const stride = this.width * BYTES_PER_PIXEL;
    for (let row = rect.top; row < rect.bottom; row++) {
      const s = row * stride + rect.left * BYTES_PER_PIXEL;
      out.set(this.pixels.subarray(s, s + rowBytes), (row - rect.top) * rowBytes);
    }
    return out;
  }

  /**
   * Copies the changed rectangles onto `frame` at the output origin (BGRA to opaque RGBA), clipped to the frame,
   * and forgets them. Returns the frame rectangles written.
   */
  composeInto(frame: FrameBuffer): FrameRect[] {
    const dirty = this.dirty;
    this.dirty = [];
    if (!this.output) return [];
    const out: FrameRect[] = [];
    const { x: ox, y: oy } = this.output;
    const frameRect = { left: 0, top: 0, right: frame.width, bottom: frame.height };
    const dst = frame.data;
    const frameStride = frame.width * BYTES_PER_PIXEL;
    const stride = this.width * BYTES_PER_PIXEL;
    for (const d of dirty) {
      const r = intersectRect(
        { left: d.left + ox, top: d.top + oy, right: d.right + ox, bottom: d.bottom + oy },
        frameRect,
      );
      if (isEmpty(r)) continue;
      for (let row = r.top; row < r.bottom; row++) {
        let s = (row - oy) * stride + (r.left - ox) * BYTES_PER_PIXEL;
        let t = row * frameStride + r.left * BYTES_PER_PIXEL;
        for (let col = r.left; col < r.right; col++, s += 4, t += 4) {
          dst[t] = this.pixels[s + 2];
          dst[t + 1] = this.pixels[s + 1];
          dst[t + 2] = this.pixels[s];
          dst[t + 3] = 0xff;
        }
      }
      out.push({ x: r.left, y: r.top, width: r.right - r.left, height: r.bottom - r.top });
    }
    return out;
  }
}

/**
 * The surfaces a server created, bounded in count and in bytes (a server cannot make a browser tab allocate
 * more than `maxBytes` of surfaces).
 */
export class GfxSurfaces {
  private readonly surfaces = new Map<number, GfxSurface>();
  private bytes = 0;

  constructor(
    readonly maxSurfaces = 64,
    readonly maxBytes = 256 * 1024 * 1024,
  ) {}

  create(surfaceId: number, width: number, height: number, pixelFormat: number): GfxSurface {
    if (this.surfaces.has(surfaceId)) throw new ProtocolError('INVALID', `surface ${surfaceId} exists`, PDU);
    if (this.surfaces.size >= this.maxSurfaces) {
      throw new ProtocolError('OVERSIZE', `more than ${this.maxSurfaces} surfaces`, PDU);
    }
    if (this.bytes + width * height * BYTES_PER_PIXEL > this.maxBytes) {
      throw new ProtocolError('OVERSIZE', `surfaces over ${this.maxBytes} bytes`, PDU);
    }
    const surface = new GfxSurface(surfaceId, width, height, pixelFormat);
    this.surfaces.set(surfaceId, surface);
    this.bytes += surface.byteLength;
    return surface;
  }

  get(surfaceId: number): GfxSurface {
    const surface = this.surfaces.get(surfaceId);
    if (!surface) throw new ProtocolError('INVALID', `no surface ${surfaceId}`, PDU);
    return surface;
  }

  /** Deletes a surface; deleting an unknown one is tolerated (it may have gone in a reset). */
  delete(surfaceId: number): boolean {
    const surface = this.surfaces.get(surfaceId);
    if (!surface) return false;
    this.bytes -= surface.byteLength;
    return this.surfaces.delete(surfaceId);
  }

  clear(): void {
    this.surfaces.clear();
    this.bytes = 0;
  }

  values(): IterableIterator<GfxSurface> {
    return this.surfaces.values();
  }

  ids(): number[] {
    return [...this.surfaces.keys()];
  }
}
