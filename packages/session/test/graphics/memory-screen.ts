import type { DesktopSource, Frame, Rect } from '@rdshare/native';

/**
 * A screen in memory (BGRX, 4 bytes a pixel) for unit tests of the capture: it draws without reporting damage,
 * and reports damage when told to, as X does for the rectangles a client drew.
 */
export class MemoryScreen implements DesktopSource {
  readonly display = ':fake';
  readonly depth = 24;
  readonly pixels: Uint8Array;
  private damage?: (rects: Rect[]) => void;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 4);
  }
  async capture(rect: Rect, into: Frame, at = { x: 0, y: 0 }) {
    for (let y = 0; y < rect.height; y++) {
      const src = ((rect.y + y) * this.width + rect.x) * 4;
      into.data.set(this.pixels.subarray(src, src + rect.width * 4), (at.y + y) * into.stride + at.x * 4);
    }
  }
  allocateFrame(width = this.width, height = this.height): Frame {
    return { width, height, stride: width * 4, data: new Uint8Array(width * height * 4) };
  }
  onDamage(listener: (rects: Rect[]) => void) {
    this.damage = listener;
    return () => undefined;
  }
  onResize() {
    return () => undefined;
  }
  onLost() {
    return () => undefined;
  }
  close() {}

  /** Reports `rects` as drawn. */
  damaged(rects: Rect[]): void {
    this.damage?.(rects);
  }
  /** The 4 bytes of pixel (x, y). */
  pixel(x: number, y: number): number[] {
    const o = (y * this.width + x) * 4;
    return [...this.pixels.subarray(o, o + 4)];
  }
  /** Sets each pixel of `rect` to the blue, green and red bytes `bgr(x, y)` gives (X byte 0), no damage. */
  draw(rect: Rect, bgr: (x: number, y: number) => readonly number[]): void {
    for (let y = rect.y; y < rect.y + rect.height; y++)
      for (let x = rect.x; x < rect.x + rect.width; x++) this.pixels.set([...bgr(x, y), 0], (y * this.width + x) * 4);
  }
  /** Copies `src` to `dest` as XCopyArea does (overlap allowed), no damage. */
  copyArea(src: Rect, dest: { x: number; y: number }): void {
    const block = new Uint8Array(src.width * src.height * 4);
    for (let y = 0; y < src.height; y++) {
      const o = ((src.y + y) * this.width + src.x) * 4;
      block.set(this.pixels.subarray(o, o + src.width * 4), y * src.width * 4);
    }
    for (let y = 0; y < src.height; y++) {
      this.pixels.set(
        block.subarray(y * src.width * 4, (y + 1) * src.width * 4),
        ((dest.y + y) * this.width + dest.x) * 4,
      );
    }
  }
}

/** A deterministic pseudo-random byte stream, so text-like rows differ from each other. */
export function noise(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s & 0xff;
  };
}

/**
 * Pixels of natural content (every pixel its own colour, as in a photo), BGRX: what the motion tracker lets into
 * motion, for tests of what happens to tiles in motion.
 */
export function photoPixels(width: number, height: number, seed = 7): Uint8Array {
  const random = noise(seed);
  return new Uint8Array(width * height * 4).map(random);
}
