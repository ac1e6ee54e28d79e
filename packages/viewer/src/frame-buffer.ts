import {
  type BitmapBpp,
  type BitmapData,
  BitmapDataFlags,
  decodeInterleaved,
  decodePlanar,
  decodeRaw,
  FIXED_PALETTE,
  type InterleavedBpp,
  type Palette,
  ProtocolError,
} from '@rdshare/protocol';

/** A rectangle of the frame buffer that changed: `x`, `y` top-left, exclusive size. */
export interface FrameRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const BYTES_PER_PIXEL = 4;
/** Bounds the buffer a server can make us allocate (256 MiB at 8192x8192); Windows desktops stay below. */
const MAX_DIMENSION = 8192;
/** Servers tile in squares of up to 64 pixels, and pad a bitmap's width to a multiple of 4. */
const MAX_TILE = 64;
const WIDTH_PADDING = 3;

/**
 * The viewer's copy of the shared desktop: top-down RGBA, `width * 4` bytes per row, opaque. Bitmap updates
 * (planar at 32 bpp, interleaved RLE below, or raw, MS-RDPBCGR 2.2.9.1.1.3.1.2) are decoded into it; 8 bpp
 * bitmaps use the last palette update (the fixed palette rdshare sends until one arrives). RdpViewer owns one
 * ({@link RdpViewer.frameBuffer}); a renderer reads it where `frame$` says it changed.
 *
 * @example
 * ```ts
 * const context = canvas.getContext('2d');
 * viewer.frame$.subscribe(({ x, y, width, height }) => {
 *   const fb = viewer.frameBuffer;
 *   if (!fb) return;
 *   const image = new ImageData(new Uint8ClampedArray(fb.data.buffer, fb.data.byteOffset, fb.data.byteLength), fb.width);
 *   context.putImageData(image, 0, 0, x, y, width, height);
 * });
 * ```
 */
export class FrameBuffer {
  private pixels: Uint8Array;
  private widthValue: number;
  private heightValue: number;
  private palette: Palette = FIXED_PALETTE;
  /** BGRA scratch the codecs decode into before the copy into the (RGBA) frame. */
  private scratch = new Uint8Array(0);

  constructor(width: number, height: number) {
    checkSize(width, height);
    this.widthValue = width;
    this.heightValue = height;
    this.pixels = new Uint8Array(width * height * BYTES_PER_PIXEL);
  }

  get width(): number {
    return this.widthValue;
  }

  get height(): number {
    return this.heightValue;
  }

  /** The pixels, top-down RGBA; the array is replaced on resize, so read it again after one. */
  get data(): Uint8Array {
    return this.pixels;
  }

  /** Starts over at a new size (black), as after a reactivation with a new desktop size. */
  resize(width: number, height: number): void {
    checkSize(width, height);
    this.widthValue = width;
    this.heightValue = height;
    this.pixels = new Uint8Array(width * height * BYTES_PER_PIXEL);
  }

  /** Installs the palette of a palette update for the 8 bpp bitmaps that follow. */
  setPalette(palette: Palette): void {
    this.palette = palette;
  }

  /**
   * Decodes one TS_BITMAP_DATA into the frame, clipped to the destination rectangle (inclusive bounds, the
   * bitmap may be wider: its width is padded to a multiple of 4) and to the frame. Returns the area changed, or
   * undefined when it lies outside. A malformed bitmap raises ProtocolError and leaves the frame unchanged.
   */
  applyBitmap(rect: BitmapData): FrameRect | undefined {
    const { width, height } = rect;
    // The bitmap's own size decides the scratch allocation: a bitmap larger than the desktop is hostile.
    if (width > Math.max(this.widthValue, MAX_TILE) + WIDTH_PADDING || height > Math.max(this.heightValue, MAX_TILE))
      throw new ProtocolError(
        'OVERSIZE',
        `bitmap of ${width}x${height} on a ${this.widthValue}x${this.heightValue} desktop`,
        'TS_BITMAP_DATA',
      );
    const needed = width * height * BYTES_PER_PIXEL;
    if (this.scratch.byteLength < needed) this.scratch = new Uint8Array(needed);
    const dst = this.scratch.subarray(0, needed);
    const compressed = (rect.flags & BitmapDataFlags.COMPRESSION) !== 0;
    const bpp = rect.bitsPerPixel;
    if (compressed && bpp === 32) decodePlanar(rect.data, width, height, dst);
    else if (compressed)
      decodeInterleaved(rect.data, width, height, bpp as InterleavedBpp, dst, { palette: this.palette });
    else decodeRaw(rect.data, width, height, bpp as BitmapBpp, dst, { palette: this.palette });
    const x = rect.destLeft;
    const y = rect.destTop;
    const w = Math.min(rect.destRight - x + 1, width);
    const h = Math.min(rect.destBottom - y + 1, height);
    return this.writeBgra(dst, 0, width * BYTES_PER_PIXEL, x, y, w, h);
  }

  /**
   * Copies `width` x `height` BGRA pixels (rows `stride` bytes apart from `offset` in `src`) to (`x`, `y`),
   * opaque and clipped to the frame, as the surface codecs' decoders hand them out. Returns the area changed, or
   * undefined when it lies outside.
   */
  writeBgra(
    src: Uint8Array,
    offset: number,
    stride: number,
    x: number,
    y: number,
    width: number,
    height: number,
  ): FrameRect | undefined {
    const w = Math.min(width, this.widthValue - x);
    const h = Math.min(height, this.heightValue - y);
    if (w <= 0 || h <= 0) return undefined;
    const frameStride = this.widthValue * BYTES_PER_PIXEL;
    for (let row = 0; row < h; row++) {
      let s = offset + row * stride;
      let d = (y + row) * frameStride + x * BYTES_PER_PIXEL;
      for (let col = 0; col < w; col++, s += 4, d += 4) {
        this.pixels[d] = src[s + 2];
        this.pixels[d + 1] = src[s + 1];
        this.pixels[d + 2] = src[s];
        this.pixels[d + 3] = 0xff;
      }
    }
    return { x, y, width: w, height: h };
  }
}

function checkSize(width: number, height: number): void {
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    width > MAX_DIMENSION ||
    height > MAX_DIMENSION
  )
    throw new ProtocolError('OVERSIZE', `desktop of ${width}x${height}`, 'frame buffer');
}
