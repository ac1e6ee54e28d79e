import { ProtocolError } from '../core/errors.js';
import { FIXED_PALETTE, fixedPaletteIndex, fixedPaletteIndexCached, type Palette } from './palette.js';

/**
 * Colour depths of bitmap data in TS_BITMAP_DATA ([MS-RDPBCGR] 2.2.9.1.1.3.1.2.2). 8 is one palette index
 * per pixel, 15 is RGB555, 16 is RGB565 (both little-endian 16-bit words), 24 is B,G,R bytes, 32 is B,G,R,X
 * bytes.
 */
export const BitmapBpp = { PALETTE8: 8, RGB555: 15, RGB565: 16, BGR24: 24, BGRX32: 32 } as const;
export type BitmapBpp = (typeof BitmapBpp)[keyof typeof BitmapBpp];

/**
 * Depths the interleaved RLE codec carries ([MS-RDPBCGR] 2.2.9.1.1.3.1.2.4). At 8 bpp the encoder quantizes
 * to {@link FIXED_PALETTE}, which the sharer sends in a palette update first.
 */
export type InterleavedBpp = 8 | 15 | 16 | 24;

/**
 * A rectangle of a 32-bit frame: pixels are B,G,R,X bytes (BGRA, or X11's depth-24 layout), rows top-down,
 * `stride` bytes apart. The rectangle defaults to the origin of `data`.
 */
export interface BitmapSource {
  readonly data: Uint8Array;
  readonly stride: number;
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
}

/** An encoded bitmap and the geometry to announce in TS_BITMAP_DATA (`width` may include padding columns). */
export interface EncodedBitmap {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly bpp: BitmapBpp;
}

export const bytesPerPixel = (bpp: BitmapBpp): number => (bpp + 1) >> 3;

/** Rounds a width up to the multiple of 4 that bitmap updates want. */
export const padWidth4 = (width: number): number => (width + 3) & ~3;

/** The all-ones pixel of a depth: the initial foreground and the WHITE order of interleaved RLE. */
export const whitePixel = (bpp: InterleavedBpp): number =>
  bpp === 8 ? 0xff : bpp === 15 ? 0x7fff : bpp === 16 ? 0xffff : 0xffffff;

/** Packs 8-bit channels into a pixel value of the depth (8 bpp: the nearest FIXED_PALETTE index; 24/32 bpp: 0xRRGGBB). */
export function packPixel(bpp: BitmapBpp, b: number, g: number, r: number): number {
  switch (bpp) {
    case 8:
      return fixedPaletteIndex(b, g, r);
    case 15:
      return ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
    case 16:
      return ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3);
    default:
      return (r << 16) | (g << 8) | b;
  }
}

/**
 * Expands a pixel value back to 0xRRGGBB. 5- and 6-bit channels repeat their top bits in the low bits so
 * that full intensity stays 0xFF and black stays 0; 8 bpp values are looked up in `palette`.
 */
export function unpackPixel(bpp: BitmapBpp, v: number, palette: Palette = FIXED_PALETTE): number {
  let r: number;
  let g: number;
  let b: number;
  switch (bpp) {
    case 8:
      return palette[v & 0xff];
    case 15:
      r = (v >> 10) & 0x1f;
      g = (v >> 5) & 0x1f;
      b = v & 0x1f;
      return (((r << 3) | (r >> 2)) << 16) | (((g << 3) | (g >> 2)) << 8) | ((b << 3) | (b >> 2));
    case 16:
      r = (v >> 11) & 0x1f;
      g = (v >> 5) & 0x3f;
      b = v & 0x1f;
      return (((r << 3) | (r >> 2)) << 16) | (((g << 2) | (g >> 4)) << 8) | ((b << 3) | (b >> 2));
    default:
      return v & 0xffffff;
  }
}

/** Throws unless the rectangle lies inside `data`; encoders call it before touching pixels. */
export function checkSource(src: BitmapSource, pdu: string): void {
  const x = src.x ?? 0;
  const y = src.y ?? 0;
  const { width, height, stride, data } = src;
  const ints = [x, y, width, height, stride];
  if (!ints.every(Number.isInteger) || x < 0 || y < 0 || width < 1 || height < 1) {
    throw new ProtocolError('INVALID', `bad source rectangle ${x},${y} ${width}x${height}`, pdu);
  }
  if (stride < (x + width) * 4 || (y + height - 1) * stride + (x + width) * 4 > data.byteLength) {
    throw new ProtocolError('INVALID', `source rectangle ${x},${y} ${width}x${height} exceeds the frame`, pdu);
  }
}

/** Throws unless `dst` holds `height` rows of `width` 32-bit pixels `stride` bytes apart. */
export function checkDestination(dst: Uint8Array, width: number, height: number, stride: number, pdu: string): void {
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    width > 0xffff ||
    height > 0xffff
  ) {
    throw new ProtocolError('INVALID', `bad bitmap size ${width}x${height}`, pdu);
  }
  if (!Number.isInteger(stride) || stride < width * 4 || dst.byteLength < (height - 1) * stride + width * 4) {
    throw new ProtocolError('INVALID', `destination too small for ${width}x${height} (stride ${stride})`, pdu);
  }
}

/**
 * Converts a source rectangle to pixel values of `bpp` in wire order: rows bottom-up when `bottomUp`
 * (bitmap updates), each row widened to `outWidth` by repeating its last pixel, which keeps padding
 * columns cheap to compress.
 */
export function readSourcePixels(
  src: BitmapSource,
  bpp: BitmapBpp,
  out: Uint32Array,
  outWidth: number,
  bottomUp: boolean,
): void {
  const { data, stride, width, height } = src;
  const x0 = (src.x ?? 0) * 4;
  const y0 = src.y ?? 0;
  let o = 0;
  for (let r = 0; r < height; r++) {
    let p = (y0 + (bottomUp ? height - 1 - r : r)) * stride + x0;
    const end = p + width * 4;
    if (bpp === 8) {
      for (; p < end; p += 4) out[o++] = fixedPaletteIndexCached(data[p], data[p + 1], data[p + 2]);
    } else if (bpp === 15) {
      for (; p < end; p += 4) out[o++] = ((data[p + 2] >> 3) << 10) | ((data[p + 1] >> 3) << 5) | (data[p] >> 3);
    } else if (bpp === 16) {
      for (; p < end; p += 4) out[o++] = ((data[p + 2] >> 3) << 11) | ((data[p + 1] >> 2) << 5) | (data[p] >> 3);
    } else {
      for (; p < end; p += 4) out[o++] = (data[p + 2] << 16) | (data[p + 1] << 8) | data[p];
    }
    const last = out[o - 1];
    for (let x = width; x < outWidth; x++) out[o++] = last;
  }
}

/**
 * Writes pixel values in wire order to a top-down BGRA destination with opaque alpha; the inverse of
 * `readSourcePixels`. 8 bpp values are looked up in `palette`.
 */
export function writeBgraPixels(
  px: Uint32Array,
  width: number,
  height: number,
  bpp: BitmapBpp,
  dst: Uint8Array,
  stride: number,
  bottomUp: boolean,
  palette: Palette = FIXED_PALETTE,
): void {
  let i = 0;
  for (let r = 0; r < height; r++) {
    let d = (bottomUp ? height - 1 - r : r) * stride;
    for (let x = 0; x < width; x++, d += 4) {
      const v = bpp === 8 ? palette[px[i++] & 0xff] : bpp === 15 || bpp === 16 ? unpackPixel(bpp, px[i++]) : px[i++];
      dst[d] = v & 0xff;
      dst[d + 1] = (v >> 8) & 0xff;
      dst[d + 2] = (v >> 16) & 0xff;
      dst[d + 3] = 0xff;
    }
  }
}
