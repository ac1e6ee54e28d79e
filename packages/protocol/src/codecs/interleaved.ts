import { ProtocolError } from '../core/errors.js';
import { checkPalette, FIXED_PALETTE, type Palette } from './palette.js';
import {
  type BitmapSource,
  bytesPerPixel,
  checkDestination,
  checkSource,
  type EncodedBitmap,
  type InterleavedBpp,
  padWidth4,
  readSourcePixels,
  whitePixel,
  writeBgraPixels,
} from './pixel-format.js';

/**
 * Interleaved RLE bitmap compression, [MS-RDPBCGR] 2.2.9.1.1.3.1.2.4 (RLE_BITMAP_STREAM) and 3.1.9.
 *
 * Orientation: the stream's first scan line is the BOTTOM row of the bitmap, as for all TS_BITMAP_DATA
 * payloads; "the previous scan line" that background/foreground orders refer to is the row below on
 * screen. The encoder reads the source bottom-up and the decoder writes the destination top-down.
 *
 * Width: the encoder widens the bitmap to a multiple of 4 pixels (padding columns repeat the last source
 * column) and returns that width; TS_BITMAP_DATA carries it as `width` while destRight stays at the real
 * right edge, so the client clips the padding.
 */
export const InterleavedOrder = {
  REGULAR_BG_RUN: 0x0,
  REGULAR_FG_RUN: 0x1,
  REGULAR_FGBG_IMAGE: 0x2,
  REGULAR_COLOR_RUN: 0x3,
  REGULAR_COLOR_IMAGE: 0x4,
  LITE_SET_FG_FG_RUN: 0xc,
  LITE_SET_FG_FGBG_IMAGE: 0xd,
  LITE_DITHERED_RUN: 0xe,
  MEGA_MEGA_BG_RUN: 0xf0,
  MEGA_MEGA_FG_RUN: 0xf1,
  MEGA_MEGA_FGBG_IMAGE: 0xf2,
  MEGA_MEGA_COLOR_RUN: 0xf3,
  MEGA_MEGA_COLOR_IMAGE: 0xf4,
  MEGA_MEGA_SET_FG_RUN: 0xf6,
  MEGA_MEGA_SET_FGBG_IMAGE: 0xf7,
  MEGA_MEGA_DITHERED_RUN: 0xf8,
  SPECIAL_FGBG_1: 0xf9,
  SPECIAL_FGBG_2: 0xfa,
  WHITE: 0xfd,
  BLACK: 0xfe,
} as const;
export type InterleavedOrder = (typeof InterleavedOrder)[keyof typeof InterleavedOrder];

export interface InterleavedEncodeOptions {
  readonly bpp: InterleavedBpp;
}

export interface InterleavedDecodeOptions {
  /** Bytes between destination rows (default width * 4). */
  readonly stride?: number;
  /** 8 bpp only: the palette of the last palette update (default {@link FIXED_PALETTE}, what rdshare sends). */
  readonly palette?: Palette;
}

const PDU = 'RLE_BITMAP_STREAM';
const O = InterleavedOrder;
const MAX_RUN = 0xffff;
/** Bit masks of the one-byte SPECIAL_FGBG_1 and SPECIAL_FGBG_2 orders (8 pixels each). */
const SPECIAL_MASK_1 = 0x03;
const SPECIAL_MASK_2 = 0x05;

let pixels = new Uint32Array(0);
let outScratch = new Uint8Array(0);

const regularCost = (n: number): number => (n <= 31 ? 1 : n <= 287 ? 2 : 3);
const liteCost = (n: number): number => (n <= 15 ? 1 : n <= 271 ? 2 : 3);
const fgbgCost = (n: number): number => ((n & 7) === 0 && n <= 248 ? 1 : n <= 256 ? 2 : 3) + ((n + 7) >> 3);
const setFgbgCost = (n: number): number => ((n & 7) === 0 && n <= 120 ? 1 : n <= 256 ? 2 : 3) + ((n + 7) >> 3);

const Kind = {
  NONE: 0,
  BG: 1,
  FG: 2,
  SET_FG: 3,
  COLOR_RUN: 4,
  DITHER: 5,
  FGBG: 6,
  SET_FGBG: 7,
  SPECIAL: 8,
  SINGLE: 9,
} as const;

function checkBpp(bpp: number): asserts bpp is InterleavedBpp {
  if (bpp !== 8 && bpp !== 15 && bpp !== 16 && bpp !== 24)
    throw new ProtocolError('UNSUPPORTED', `no interleaved RLE at ${bpp} bpp`, PDU);
}

/**
 * Compresses a rectangle of a BGRX frame to an RLE_BITMAP_STREAM at 8, 15, 16 or 24 bpp (the source is
 * reduced to that depth first; at 8 bpp each pixel becomes its nearest {@link FIXED_PALETTE} index, so send
 * that palette with {@link encodePaletteUpdate} before the first bitmap). Wrap it in TS_BITMAP_DATA with
 * bitsPerPixel = `bpp` and BITMAP_COMPRESSION, using the returned (padded) width.
 *
 * @example
 * ```ts
 * const tile = encodeInterleaved({ data: frame, stride: width * 4, x: 64, y: 0, width: 64, height: 64 }, { bpp: 8 });
 * // TS_BITMAP_DATA: width tile.width, height tile.height, bitsPerPixel 8, data tile.data
 * ```
 */
export function encodeInterleaved(src: BitmapSource, options: InterleavedEncodeOptions): EncodedBitmap {
  checkSource(src, PDU);
  const bpp = options.bpp;
  checkBpp(bpp);
  const w = padWidth4(src.width);
  const h = src.height;
  const n = w * h;
  const B = bytesPerPixel(bpp);
  if (pixels.length < n) pixels = new Uint32Array(n);
  const px = pixels;
  readSourcePixels(src, bpp, px, w, true);
  // Every order costs less than the pixels it covers, except COLOR_IMAGE headers (at most 3 bytes each).
  const bound = n * (B + 3) + 16;
  if (outScratch.byteLength < bound) outScratch = new Uint8Array(bound);
  const out = outScratch;
  const white = whitePixel(bpp);

  let pos = 0;
  let fg = white;
  let insertFg = false;
  let firstLine = true;
  let litStart = 0;
  let litLen = 0;

  const writePixel = (v: number): void => {
    out[pos++] = v & 0xff;
    if (B === 1) return;
    out[pos++] = (v >> 8) & 0xff;
    if (B === 3) out[pos++] = (v >> 16) & 0xff;
  };
  const writeRegular = (code: number, mega: number, len: number): void => {
    if (len <= 31) {
      out[pos++] = (code << 5) | len;
    } else if (len <= 287) {
      out[pos++] = code << 5;
      out[pos++] = len - 32;
    } else {
      out[pos++] = mega;
      out[pos++] = len & 0xff;
      out[pos++] = len >> 8;
    }
  };
  const writeLite = (code: number, mega: number, len: number): void => {
    if (len <= 15) {
      out[pos++] = (code << 4) | len;
    } else if (len <= 271) {
      out[pos++] = code << 4;
      out[pos++] = len - 16;
    } else {
      out[pos++] = mega;
      out[pos++] = len & 0xff;
      out[pos++] = len >> 8;
    }
  };
  const writeFgbgHeader = (set: boolean, len: number): void => {
    const header = set ? O.LITE_SET_FG_FGBG_IMAGE << 4 : O.REGULAR_FGBG_IMAGE << 5;
    if ((len & 7) === 0 && len <= (set ? 120 : 248)) {
      out[pos++] = header | (len >> 3);
    } else if (len <= 256) {
      out[pos++] = header;
      out[pos++] = len - 1;
    } else {
      out[pos++] = set ? O.MEGA_MEGA_SET_FGBG_IMAGE : O.MEGA_MEGA_FGBG_IMAGE;
      out[pos++] = len & 0xff;
      out[pos++] = len >> 8;
    }
  };
  /** Mirrors the decoder's first-line bookkeeping, which runs at the start of every order. */
  const startOrder = (at: number): void => {
    if (firstLine && at >= w) {
      firstLine = false;
      insertFg = false;
    }
  };
  const flushLiteral = (): void => {
    while (litLen > 0) {
      const take = Math.min(litLen, MAX_RUN);
      startOrder(litStart);
      writeRegular(O.REGULAR_COLOR_IMAGE, O.MEGA_MEGA_COLOR_IMAGE, take);
      for (let k = litStart; k < litStart + take; k++) writePixel(px[k]);
      litStart += take;
      litLen -= take;
      insertFg = false;
    }
  };

  let i = 0;
  while (i < n) {
    const p = px[i];
    // Orders that refer to the previous scan line use "black" above for their whole length when they start
    // on the first line, so they must not run past it.
    const first = i < w;
    const up = first ? 0 : -w;
    const lim = first ? w : Math.min(n, i + MAX_RUN);
    const above = first ? 0 : px[i - w];
    const insertPending = litLen === 0 && insertFg && !(firstLine && i >= w);
    const d = p ^ above;

    let kind: number = Kind.NONE;
    let best = 0;
    let cover = 0;
    let arg = 0;
    let k: number;
    let len: number;
    let saving: number;

    if (!insertPending) {
      for (k = i; k < lim && px[k] === (first ? 0 : px[k + up]); k++);
      len = k - i;
      saving = len * B - regularCost(len);
      if (len > 0 && saving > best) {
        best = saving;
        kind = Kind.BG;
        cover = len;
      }
    }
    if (d !== 0) {
      for (k = i; k < lim && px[k] === ((first ? 0 : px[k + up]) ^ d); k++);
      len = k - i;
      saving = d === fg ? len * B - regularCost(len) : len * B - liteCost(len) - B;
      if (saving > best) {
        best = saving;
        kind = d === fg ? Kind.FG : Kind.SET_FG;
        cover = len;
        arg = d;
      }
    }
    const runLim = Math.min(n, i + MAX_RUN);
    for (k = i + 1; k < runLim && px[k] === p; k++);
    len = k - i;
    saving = len * B - regularCost(len) - B;
    if (saving > best) {
      best = saving;
      kind = Kind.COLOR_RUN;
      cover = len;
    }
    if (i + 3 < n && px[i + 1] !== p) {
      const q = px[i + 1];
      let pairs = 0;
      for (k = i; k + 1 < n && pairs < MAX_RUN && px[k] === p && px[k + 1] === q; k += 2) pairs++;
      saving = 2 * pairs * B - liteCost(pairs) - 2 * B;
      if (pairs >= 2 && saving > best) {
        best = saving;
        kind = Kind.DITHER;
        cover = 2 * pairs;
        arg = q;
      }
    }
    for (let pass = 0; pass < 2; pass++) {
      const f = pass === 0 ? fg : d;
      if (f === 0 || (pass === 1 && d === fg)) continue;
      for (k = i; k < lim; k++) {
        const a = first ? 0 : px[k + up];
        if (px[k] !== a && px[k] !== (a ^ f)) break;
      }
      len = k - i;
      saving = len * B - (pass === 0 ? fgbgCost(len) : setFgbgCost(len) + B);
      if (saving > best) {
        best = saving;
        kind = pass === 0 ? Kind.FGBG : Kind.SET_FGBG;
        cover = len;
        arg = f;
      }
      if (pass === 0 && len >= 8) {
        let mask = 0;
        for (let b = 0; b < 8; b++) if (px[i + b] !== (first ? 0 : px[i + b + up])) mask |= 1 << b;
        if ((mask === SPECIAL_MASK_1 || mask === SPECIAL_MASK_2) && 8 * B - 1 > best) {
          best = 8 * B - 1;
          kind = Kind.SPECIAL;
          cover = 8;
          arg = mask;
        }
      }
    }
    if ((p === white || p === 0) && B - 1 > best) {
      best = B - 1;
      kind = Kind.SINGLE;
      cover = 1;
    }

    // Breaking a pending COLOR_IMAGE costs a header now and probably another one later.
    if (kind === Kind.NONE || best <= (litLen > 0 ? B : 0)) {
      if (litLen === 0) litStart = i;
      litLen++;
      i++;
      continue;
    }
    flushLiteral();
    startOrder(i);
    const wasBg = kind === Kind.BG;
    switch (kind) {
      case Kind.BG:
        writeRegular(O.REGULAR_BG_RUN, O.MEGA_MEGA_BG_RUN, cover);
        break;
      case Kind.FG:
        writeRegular(O.REGULAR_FG_RUN, O.MEGA_MEGA_FG_RUN, cover);
        break;
      case Kind.SET_FG:
        writeLite(O.LITE_SET_FG_FG_RUN, O.MEGA_MEGA_SET_FG_RUN, cover);
        writePixel(arg);
        fg = arg;
        break;
      case Kind.COLOR_RUN:
        writeRegular(O.REGULAR_COLOR_RUN, O.MEGA_MEGA_COLOR_RUN, cover);
        writePixel(p);
        break;
      case Kind.DITHER:
        writeLite(O.LITE_DITHERED_RUN, O.MEGA_MEGA_DITHERED_RUN, cover >> 1);
        writePixel(p);
        writePixel(arg);
        break;
      case Kind.FGBG:
      case Kind.SET_FGBG: {
        writeFgbgHeader(kind === Kind.SET_FGBG, cover);
        if (kind === Kind.SET_FGBG) {
          writePixel(arg);
          fg = arg;
        }
        const end = i + cover;
        for (let m = i; m < end; m += 8) {
          let mask = 0;
          const stop = Math.min(m + 8, end);
          for (let b = m; b < stop; b++) if (px[b] !== (first ? 0 : px[b + up])) mask |= 1 << (b - m);
          out[pos++] = mask;
        }
        break;
      }
      case Kind.SPECIAL:
        out[pos++] = arg === SPECIAL_MASK_1 ? O.SPECIAL_FGBG_1 : O.SPECIAL_FGBG_2;
        break;
      default:
        out[pos++] = p === 0 ? O.BLACK : O.WHITE;
        break;
    }
    insertFg = wasBg;
    i += cover;
  }
  flushLiteral();
  return { data: out.slice(0, pos), width: w, height: h, bpp };
}

/**
 * Decompresses an RLE_BITMAP_STREAM of `width` x `height` pixels at `bpp` into `dst` as top-down B,G,R,A
 * bytes (alpha 0xFF); 8 bpp pixels are looked up in `options.palette`. `width` is TS_BITMAP_DATA's width, the
 * scan-line length of the stream. Throws ProtocolError for a truncated stream, an unknown order, or one that
 * overruns or underfills the bitmap.
 */
export function decodeInterleaved(
  bytes: Uint8Array,
  width: number,
  height: number,
  bpp: InterleavedBpp,
  dst: Uint8Array,
  options: InterleavedDecodeOptions = {},
): void {
  const stride = options.stride ?? width * 4;
  const palette = options.palette ?? FIXED_PALETTE;
  checkDestination(dst, width, height, stride, PDU);
  checkBpp(bpp);
  checkPalette(palette, PDU);
  const n = width * height;
  if (pixels.length < n) pixels = new Uint32Array(n);
  const px = pixels;
  const B = bytesPerPixel(bpp);
  const end = bytes.byteLength;
  const white = whitePixel(bpp);

  let s = 0;
  let i = 0;
  let fg = white;
  let insertFg = false;
  let firstLine = true;

  const need = (count: number, what: string): void => {
    if (s + count > end) throw new ProtocolError('TRUNCATED', `${what} needs ${count} bytes at offset ${s}`, PDU);
  };
  const readPixel = (): number => {
    need(B, 'pixel');
    const v =
      B === 1
        ? bytes[s]
        : B === 2
          ? bytes[s] | (bytes[s + 1] << 8)
          : bytes[s] | (bytes[s + 1] << 8) | (bytes[s + 2] << 16);
    s += B;
    return v;
  };
  /**
   * Run length of a regular (5-bit) or lite (4-bit) order: FG/BG image orders count in units of 8 pixels and
   * take `extra + 1` from a MEGA byte when the field is 0; the other orders add `mega` (32 or 16) to it.
   */
  const shortRunLength = (field: number, fgbgImage: boolean, mega: number): number => {
    if (field !== 0) return fgbgImage ? field << 3 : field;
    need(1, 'run length');
    return bytes[s++] + (fgbgImage ? 1 : mega);
  };

  while (s < end) {
    if (firstLine && i >= width) {
      firstLine = false;
      insertFg = false;
    }
    const header = bytes[s];
    let code: number;
    let len: number;
    if ((header & 0xc0) !== 0xc0) {
      code = header >> 5;
      s++;
      len = shortRunLength(header & 0x1f, code === O.REGULAR_FGBG_IMAGE, 32);
    } else if ((header & 0xf0) !== 0xf0) {
      code = header >> 4;
      s++;
      len = shortRunLength(header & 0x0f, code === O.LITE_SET_FG_FGBG_IMAGE, 16);
    } else {
      code = header;
      if (code <= O.MEGA_MEGA_DITHERED_RUN && code !== 0xf5) {
        need(3, 'MEGA_MEGA run length');
        len = bytes[s + 1] | (bytes[s + 2] << 8);
        s += 3;
      } else if (code === O.SPECIAL_FGBG_1 || code === O.SPECIAL_FGBG_2) {
        len = 8;
        s++;
      } else if (code === O.WHITE || code === O.BLACK) {
        len = 1;
        s++;
      } else {
        throw new ProtocolError('INVALID', `unknown order header 0x${header.toString(16)} at offset ${s}`, PDU);
      }
    }
    const count = code === O.LITE_DITHERED_RUN || code === O.MEGA_MEGA_DITHERED_RUN ? 2 * len : len;
    if (i + count > n)
      throw new ProtocolError('INVALID', `order at offset ${s} writes past the ${width}x${height} bitmap`, PDU);
    const up = i - width;

    switch (code) {
      case O.REGULAR_BG_RUN:
      case O.MEGA_MEGA_BG_RUN: {
        const stop = i + len;
        if (insertFg && i < stop) {
          px[i] = (firstLine ? 0 : px[up]) ^ fg;
          i++;
        }
        if (firstLine) for (; i < stop; i++) px[i] = 0;
        else for (; i < stop; i++) px[i] = px[i - width];
        insertFg = true;
        continue;
      }
      case O.REGULAR_FG_RUN:
      case O.MEGA_MEGA_FG_RUN:
      case O.LITE_SET_FG_FG_RUN:
      case O.MEGA_MEGA_SET_FG_RUN: {
        if (code === O.LITE_SET_FG_FG_RUN || code === O.MEGA_MEGA_SET_FG_RUN) fg = readPixel();
        const stop = i + len;
        if (firstLine) for (; i < stop; i++) px[i] = fg;
        else for (; i < stop; i++) px[i] = px[i - width] ^ fg;
        break;
      }
      case O.LITE_DITHERED_RUN:
      case O.MEGA_MEGA_DITHERED_RUN: {
        const a = readPixel();
        const b = readPixel();
        for (let k = 0; k < len; k++) {
          px[i++] = a;
          px[i++] = b;
        }
        break;
      }
      case O.REGULAR_COLOR_RUN:
      case O.MEGA_MEGA_COLOR_RUN: {
        const v = readPixel();
        px.fill(v, i, i + len);
        i += len;
        break;
      }
      case O.REGULAR_FGBG_IMAGE:
      case O.MEGA_MEGA_FGBG_IMAGE:
      case O.LITE_SET_FG_FGBG_IMAGE:
      case O.MEGA_MEGA_SET_FGBG_IMAGE:
      case O.SPECIAL_FGBG_1:
      case O.SPECIAL_FGBG_2: {
        if (code === O.LITE_SET_FG_FGBG_IMAGE || code === O.MEGA_MEGA_SET_FGBG_IMAGE) fg = readPixel();
        const special = code === O.SPECIAL_FGBG_1 ? SPECIAL_MASK_1 : code === O.SPECIAL_FGBG_2 ? SPECIAL_MASK_2 : -1;
        if (special < 0) need((len + 7) >> 3, 'FGBG bit masks');
        const stop = i + len;
        while (i < stop) {
          const mask = special >= 0 ? special : bytes[s++];
          const chunkEnd = Math.min(i + 8, stop);
          for (let bit = 1; i < chunkEnd; i++, bit <<= 1) {
            const a = firstLine ? 0 : px[i - width];
            px[i] = mask & bit ? a ^ fg : a;
          }
        }
        break;
      }
      case O.REGULAR_COLOR_IMAGE:
      case O.MEGA_MEGA_COLOR_IMAGE: {
        need(len * B, 'COLOR_IMAGE pixels');
        for (let k = 0; k < len; k++) px[i++] = readPixel();
        break;
      }
      case O.WHITE:
        px[i++] = white;
        break;
      case O.BLACK:
        px[i++] = 0;
        break;
      default:
        throw new ProtocolError('INVALID', `unknown order header 0x${header.toString(16)}`, PDU);
    }
    insertFg = false;
  }
  if (i !== n) throw new ProtocolError('TRUNCATED', `stream ends after ${i} of ${n} pixels`, PDU);
  writeBgraPixels(px, width, height, bpp, dst, stride, true, palette);
}
