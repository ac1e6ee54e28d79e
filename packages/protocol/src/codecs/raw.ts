import { ProtocolError } from '../core/errors.js';
import { checkPalette, FIXED_PALETTE, type Palette } from './palette.js';
import {
  type BitmapBpp,
  type BitmapSource,
  bytesPerPixel,
  checkDestination,
  checkSource,
  type EncodedBitmap,
  padWidth4,
  readSourcePixels,
  writeBgraPixels,
} from './pixel-format.js';

/**
 * Uncompressed bitmap data for TS_BITMAP_DATA without BITMAP_COMPRESSION ([MS-RDPBCGR] 2.2.9.1.1.3.1.2.2):
 * rows bottom-up, pixels at 8 bpp as palette indices (the encoder uses {@link FIXED_PALETTE}), at 15/16 bpp as
 * little-endian RGB555/RGB565 words, 24 bpp as B,G,R, 32 bpp as B,G,R,X (X written as 0xFF).
 *
 * Scan lines must end on a 4-byte boundary. The encoder widens the bitmap to a multiple of 4 pixels
 * (repeating the last column), which makes every depth's scan line a multiple of 4 bytes with no pad
 * bytes, so readers that pad rows (Windows) and readers that do not (FreeRDP) agree.
 */
export interface RawEncodeOptions {
  readonly bpp: BitmapBpp;
}

export interface RawDecodeOptions {
  /** Bytes between destination rows (default width * 4). */
  readonly stride?: number;
  /** 8 bpp only: the palette of the last palette update (default {@link FIXED_PALETTE}, what rdshare sends). */
  readonly palette?: Palette;
}

const PDU = 'TS_BITMAP_DATA';

let pixels = new Uint32Array(0);

function checkBpp(bpp: number): asserts bpp is BitmapBpp {
  if (bpp !== 8 && bpp !== 15 && bpp !== 16 && bpp !== 24 && bpp !== 32) {
    throw new ProtocolError('UNSUPPORTED', `no uncompressed bitmaps at ${bpp} bpp`, PDU);
  }
}

/** Converts a rectangle of a BGRX frame to uncompressed bottom-up bitmap data at `bpp`. */
export function encodeRaw(src: BitmapSource, options: RawEncodeOptions): EncodedBitmap {
  checkSource(src, PDU);
  const bpp = options.bpp;
  checkBpp(bpp);
  const w = padWidth4(src.width);
  const h = src.height;
  const n = w * h;
  if (pixels.length < n) pixels = new Uint32Array(n);
  readSourcePixels(src, bpp, pixels, w, true);
  const B = bytesPerPixel(bpp);
  const out = new Uint8Array(n * B);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const v = pixels[i];
    out[o++] = v & 0xff;
    if (B === 1) continue;
    out[o++] = (v >> 8) & 0xff;
    if (B >= 3) out[o++] = (v >> 16) & 0xff;
    if (B === 4) out[o++] = 0xff;
  }
  return { data: out, width: w, height: h, bpp };
}

/**
 * Converts uncompressed bottom-up bitmap data to top-down B,G,R,A in `dst` (alpha 0xFF). Scan lines may be
 * `width * bytesPerPixel` bytes or that rounded up to 4; the data length tells which.
 */
export function decodeRaw(
  bytes: Uint8Array,
  width: number,
  height: number,
  bpp: BitmapBpp,
  dst: Uint8Array,
  options: RawDecodeOptions = {},
): void {
  const stride = options.stride ?? width * 4;
  const palette = options.palette ?? FIXED_PALETTE;
  checkDestination(dst, width, height, stride, PDU);
  checkBpp(bpp);
  checkPalette(palette, PDU);
  const B = bytesPerPixel(bpp);
  const tight = width * B;
  const padded = (tight + 3) & ~3;
  let scanLine: number;
  if (bytes.byteLength === padded * height) scanLine = padded;
  else if (bytes.byteLength === tight * height) scanLine = tight;
  else {
    const code = bytes.byteLength < tight * height ? 'TRUNCATED' : 'INVALID';
    throw new ProtocolError(code, `${bytes.byteLength} bytes do not hold ${width}x${height} at ${bpp} bpp`, PDU);
  }
  const n = width * height;
  if (pixels.length < n) pixels = new Uint32Array(n);
  let i = 0;
  for (let r = 0; r < height; r++) {
    let s = r * scanLine;
    for (let x = 0; x < width; x++, s += B) {
      pixels[i++] =
        B === 1
          ? bytes[s]
          : B === 2
            ? bytes[s] | (bytes[s + 1] << 8)
            : bytes[s] | (bytes[s + 1] << 8) | (bytes[s + 2] << 16);
    }
  }
  writeBgraPixels(pixels, width, height, bpp, dst, stride, true, palette);
}
