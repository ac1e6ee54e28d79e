import { ProtocolError } from '../core/errors.js';
import { type BitmapSource, checkDestination, checkSource, type EncodedBitmap, padWidth4 } from './pixel-format.js';

/**
 * RDP 6.0 Bitmap Codec ("planar"), [MS-RDPEGDI] 2.2.2.5.1 (RDP6_BITMAP_STREAM) and 3.1.9.
 *
 * Orientation: planes are written in the order of the stream's scan lines. For Bitmap Updates
 * (TS_BITMAP_DATA, [MS-RDPBCGR] 2.2.9.1.1.3.1.2.2) the stream's first scan line is the BOTTOM row of the
 * rectangle, like every other TS_BITMAP_DATA payload: FreeRDP's bitmap-update path decodes planar with
 * vertical flip on (libfreerdp/gdi/graphics.c → freerdp_bitmap_decompress_planar(..., vFlip=TRUE)) and its
 * server splits planes bottom-up unless told the image is top-down (planar.c freerdp_split_color_planes,
 * `topdown` false by default, set true only for RDPGFX). So `bottomUp` defaults to true; pass false for
 * RDPGFX_CODECID_PLANAR ([MS-RDPEGFX] 2.2.2.1), whose planes are top-down.
 */
export const PlanarHeader = {
  /** ColorLossLevel: 0 means ARGB planes, 1..7 means AYCoCg with chroma shifted by CLL-1. */
  CLL_MASK: 0x07,
  /** Chroma subsampling of the Co and Cg planes (AYCoCg only). */
  CS: 0x08,
  /** Planes are RDP6_RLE_SEGMENTS rather than raw bytes. */
  RLE: 0x10,
  /** No alpha plane: every pixel is opaque. */
  NA: 0x20,
} as const;
export type PlanarHeader = (typeof PlanarHeader)[keyof typeof PlanarHeader];

export interface PlanarEncodeOptions {
  /**
   * Copy the source's fourth byte into the alpha plane. Off (default) sends a fully opaque alpha plane, right
   * for a desktop whose X byte is not alpha; the plane is always present (see {@link encodePlanar}).
   */
  readonly alpha?: boolean;
  /** Run-length encode the planes (default true); false sends raw planes. */
  readonly rle?: boolean;
  /** Scan lines bottom-up as Bitmap Updates want (default true); false for RDPGFX. */
  readonly bottomUp?: boolean;
  /** Widen the bitmap to a multiple of 4 by repeating the last column (default false). */
  readonly padWidth?: boolean;
}

export interface PlanarDecodeOptions {
  /** Scan lines in the stream are bottom-up (default true, Bitmap Updates); false for RDPGFX. */
  readonly bottomUp?: boolean;
  /** Bytes between destination rows (default width * 4). */
  readonly stride?: number;
}

const PDU = 'RDP6_BITMAP_STREAM';

/** Signed scan-line delta (as a byte, mod 256) → its wire form: magnitude shifted left, sign in bit 0 (3.1.9.2). */
const DELTA_ENCODE = new Uint8Array(256);
/** Wire delta byte → signed delta. */
const DELTA_DECODE = new Int16Array(256);
for (let v = 0; v < 256; v++) {
  const s = v < 128 ? v : v - 256;
  DELTA_ENCODE[v] = s >= 0 ? s << 1 : (-s << 1) - 1;
  DELTA_DECODE[v] = v & 1 ? -((v >> 1) + 1) : v >> 1;
}

/** BGRA byte offsets of the planes in stream order: alpha, red, green, blue. */
const CHANNELS = [3, 2, 1, 0] as const;

let encodeScratch: Uint8Array = new Uint8Array(0);
let deltaLine: Uint8Array = new Uint8Array(0);
let planeScratch: Uint8Array = new Uint8Array(0);
/** The encoder's planes, one after the other in stream order, and per scan line whether it repeats the one before. */
let encodePlanes: Uint8Array = new Uint8Array(0);
let repeatsAbove: Uint8Array = new Uint8Array(0);

/**
 * Writes one RLE segment chain for a RAW part `line[from..to)` followed by a RUN of `run` copies of its
 * last byte; `from === to` writes a RUN alone, which repeats the previous segment's last RAW byte (zero at
 * the start of a scan line). RUNs of 1 or 2 never occur: callers fold them into RAW.
 */
function writeSegments(out: Uint8Array, pos: number, line: Uint8Array, from: number, to: number, run: number): number {
  let raw = to - from;
  // Byte loops, not subarray copies: an object per 15 bytes cost noise-like planes half their encode time.
  while (raw > 15) {
    out[pos++] = 0xf0;
    for (let k = 0; k < 15; k++) out[pos++] = line[from++];
    raw -= 15;
  }
  if (raw > 0) {
    // A RUN beside RAW bytes is at most 15 and leaves 0 or at least 3 for the RUN-only segments.
    const first = run <= 15 ? run : run - 15 < 3 ? run - 3 : 15;
    out[pos++] = (raw << 4) | first;
    for (let k = 0; k < raw; k++) out[pos++] = line[from + k];
    run -= first;
  }
  while (run > 0) {
    // nRunLength 1 and 2 carry runs of 16..31 and 32..47 in cRawBytes (2.2.2.5.1.2).
    const take = run <= 47 ? run : run - 47 < 3 ? run - 3 : 47;
    out[pos++] = take >= 32 ? ((take - 32) << 4) | 2 : take >= 16 ? ((take - 16) << 4) | 1 : take;
    run -= take;
  }
  return pos;
}

/** Run-length encodes one scan line (absolute values or wire deltas) into RDP6_RLE_SEGMENTs ([MS-RDPEGDI] 3.1.9.2). */
export function encodePlanarScanLine(line: Uint8Array, width: number, out: Uint8Array, pos: number): number {
  return encodeScanLineAt(line, 0, width, out, pos);
}

/** {@link encodePlanarScanLine} of `line[start..start + width)`. */
function encodeScanLineAt(line: Uint8Array, start: number, width: number, out: Uint8Array, pos: number): number {
  const end = start + width;
  let repeated = 0;
  let rawStart = start;
  let i = start;
  while (i < end) {
    const v = line[i];
    let j = i + 1;
    while (j < end && line[j] === v) j++;
    const len = j - i;
    if (rawStart === i && v === repeated && len >= 3) {
      pos = writeSegments(out, pos, line, i, i, len);
      rawStart = j;
    } else if (len >= 4) {
      pos = writeSegments(out, pos, line, rawStart, i + 1, len - 1);
      repeated = v;
      rawStart = j;
    }
    i = j;
  }
  if (rawStart < end) pos = writeSegments(out, pos, line, rawStart, end, 0);
  return pos;
}

function grow(buf: Uint8Array, size: number): Uint8Array {
  return buf.byteLength >= size ? buf : new Uint8Array(size);
}

let opaqueWidth = 0;
let opaqueFirstLine: Uint8Array = new Uint8Array(0);
/** A scan line equal to the one above: all-zero deltas, one RUN (or a few) whatever the content. */
let unchangedLine: Uint8Array = new Uint8Array(0);

/** Encodes the two scan lines that depend only on the width (0xFF samples, and no change), once per width. */
function prepareConstantLines(width: number): void {
  if (opaqueWidth === width) return;
  const line = new Uint8Array(width);
  const bound = width + Math.ceil(width / 15) + 1;
  const first = new Uint8Array(bound);
  opaqueFirstLine = first.slice(0, encodePlanarScanLine(line.fill(0xff), width, first, 0));
  const next = new Uint8Array(bound);
  unchangedLine = next.slice(0, encodePlanarScanLine(line.fill(0), width, next, 0));
  opaqueWidth = width;
}

function writeUnchangedLines(out: Uint8Array, pos: number, count: number): number {
  for (let r = 0; r < count; r++) {
    out.set(unchangedLine, pos);
    pos += unchangedLine.byteLength;
  }
  return pos;
}

/**
 * Writes an alpha plane of 0xFF samples: RAW[FF] and a RUN for the first scan line, then one all-zero delta
 * RUN per scan line, a few bytes per row.
 */
function writeOpaqueRlePlane(out: Uint8Array, pos: number, height: number): number {
  out.set(opaqueFirstLine, pos);
  return writeUnchangedLines(out, pos + opaqueFirstLine.byteLength, height - 1);
}

/**
 * Splits the rectangle into planes (stream order: alpha if taken from the source, then red, green, blue), each
 * `width` x `height` samples with the padding columns repeating the last one, in one pass over the source; and
 * marks the scan lines equal to the one before in every plane, whose deltas are all zero (most of the lines of
 * text and UI, which then cost no delta pass).
 */
function splitPlanes(
  data: Uint8Array,
  stride: number,
  x0: number,
  y0: number,
  srcWidth: number,
  width: number,
  height: number,
  bottomUp: boolean,
  alpha: boolean,
): void {
  const planeSize = width * height;
  const planes = alpha ? 4 : 3;
  encodePlanes = grow(encodePlanes, planes * planeSize);
  repeatsAbove = grow(repeatsAbove, height);
  const out = encodePlanes;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // What makes two pixels equal: their colour, and their fourth byte when it is the alpha plane.
  const significant = alpha ? -1 : 0x00ffffff;
  let above = 0;
  for (let r = 0; r < height; r++) {
    const rowStart = (y0 + (bottomUp ? height - 1 - r : r)) * stride + x0;
    const o = r * width;
    let a = o;
    let red = (alpha ? planeSize : 0) + o;
    let green = red + planeSize;
    let blue = green + planeSize;
    let same = r > 0;
    for (let x = 0, p = rowStart; x < srcWidth; x++, p += 4) {
      // One read a pixel: B, G, R, X/A from the low byte up.
      const pixel = view.getUint32(p, true);
      if (same && ((pixel ^ view.getUint32(above + x * 4, true)) & significant) !== 0) same = false;
      out[red++] = pixel >>> 16;
      out[green++] = pixel >>> 8;
      out[blue++] = pixel;
      if (alpha) out[a++] = pixel >>> 24;
    }
    // Padding repeats the last column, so it changes only where that column did.
    for (let plane = 0; plane < planes; plane++) {
      const row = plane * planeSize + o;
      out.fill(out[row + srcWidth - 1], row + srcWidth, row + width);
    }
    repeatsAbove[r] = same ? 1 : 0;
    above = rowStart;
  }
}

/**
 * Encodes a rectangle of a BGRX/BGRA frame as an RDP6_BITMAP_STREAM with ARGB planes (ColorLossLevel 0,
 * lossless). Wrap it in TS_BITMAP_DATA with bitsPerPixel 32 and BITMAP_COMPRESSION.
 *
 * The stream always carries the alpha plane and, by default, RLE planes: FormatHeader 0x10, what Windows
 * servers send. Some clients decode nothing else (they show black for the no-alpha form, NA 0x20), and an
 * opaque alpha plane costs a few bytes per scan line. RLE is kept even for noise, where it is up to 1/15
 * larger than raw planes, for the same reason.
 *
 * @example
 * ```ts
 * const tile = { data: frame, stride: screenWidth * 4, x: 64, y: 128, width: 64, height: 64 }; // BGRX
 * const { data, width, height, bpp } = encodePlanar(tile); // bottom-up RLE planes, as Bitmap Updates want
 * ```
 */
export function encodePlanar(src: BitmapSource, options: PlanarEncodeOptions = {}): EncodedBitmap {
  checkSource(src, PDU);
  const sourceAlpha = options.alpha ?? false;
  const rle = options.rle ?? true;
  const bottomUp = options.bottomUp ?? true;
  const { data, stride, height } = src;
  const srcWidth = src.width;
  const width = options.padWidth ? padWidth4(srcWidth) : srcWidth;
  const x0 = (src.x ?? 0) * 4;
  const y0 = src.y ?? 0;
  const rawSize = 1 + 4 * width * height + 1;
  // Worst case per scan line: every byte RAW, one control byte per 15.
  const rleBound = 1 + 4 * height * (width + Math.ceil(width / 15) + 1);
  encodeScratch = grow(encodeScratch, rle ? rleBound : rawSize);
  const out = encodeScratch;
  out[0] = rle ? PlanarHeader.RLE : 0;
  let pos = 1;

  splitPlanes(data, stride, x0, y0, srcWidth, width, height, bottomUp, sourceAlpha);
  const planes = encodePlanes;
  const planeSize = width * height;
  if (rle) {
    prepareConstantLines(width);
    deltaLine = grow(deltaLine, width);
    if (!sourceAlpha) pos = writeOpaqueRlePlane(out, pos, height);
    for (let plane = 0; plane < (sourceAlpha ? 4 : 3); plane++) {
      const start = plane * planeSize;
      pos = encodeScanLineAt(planes, start, width, out, pos);
      for (let r = 1; r < height; r++) {
        if (repeatsAbove[r] === 1) {
          pos = writeUnchangedLines(out, pos, 1);
          continue;
        }
        const row = start + r * width;
        for (let x = 0; x < width; x++) deltaLine[x] = DELTA_ENCODE[(planes[row + x] - planes[row + x - width]) & 0xff];
        pos = encodeScanLineAt(deltaLine, 0, width, out, pos);
      }
    }
    return { data: out.slice(0, pos), width, height, bpp: 32 };
  }

  if (!sourceAlpha) {
    out.fill(0xff, pos, pos + planeSize);
    pos += planeSize;
  }
  const taken = (sourceAlpha ? 4 : 3) * planeSize;
  out.set(planes.subarray(0, taken), pos);
  pos += taken;
  // Raw planes end with one Pad byte (2.2.2.5.1).
  out[pos++] = 0;
  return { data: out.slice(0, pos), width, height, bpp: 32 };
}

/**
 * Decodes one RLE-compressed plane of `width` x `height` samples starting at `pos`; sample (x, r) of the
 * stream lands at `dst[first + r * rowStep + x * step]`. Returns the offset after the plane.
 */
function decodeRlePlane(
  src: Uint8Array,
  pos: number,
  dst: Uint8Array,
  first: number,
  rowStep: number,
  step: number,
  width: number,
  height: number,
): number {
  const end = src.byteLength;
  for (let r = 0; r < height; r++) {
    const row = first + r * rowStep;
    let x = 0;
    let value = 0;
    while (x < width) {
      if (pos >= end) throw new ProtocolError('TRUNCATED', `plane ends inside scan line ${r}`, PDU);
      const control = src[pos++];
      let run = control & 0x0f;
      let raw = control >> 4;
      if (run === 1 || run === 2) {
        run = (run << 4) + raw;
        raw = 0;
      }
      if (x + raw + run > width)
        throw new ProtocolError('INVALID', `RLE segment crosses the end of scan line ${r}`, PDU);
      if (pos + raw > end) throw new ProtocolError('TRUNCATED', `RLE segment needs ${raw} raw bytes`, PDU);
      let d = row + x * step;
      x += raw + run;
      if (r === 0) {
        for (; raw > 0; raw--, d += step) {
          value = src[pos++];
          dst[d] = value;
        }
        for (; run > 0; run--, d += step) dst[d] = value;
      } else {
        for (; raw > 0; raw--, d += step) {
          value = DELTA_DECODE[src[pos++]];
          dst[d] = dst[d - rowStep] + value;
        }
        for (; run > 0; run--, d += step) dst[d] = dst[d - rowStep] + value;
      }
    }
  }
  return pos;
}

/**
 * Decodes an RDP6_BITMAP_STREAM of `width` x `height` pixels into `dst` as top-down B,G,R,A bytes. ARGB and
 * AYCoCg (any ColorLossLevel, with or without chroma subsampling) planes, raw or RLE, are accepted; without
 * an alpha plane (NA) alpha is 0xFF. Throws ProtocolError for a truncated or inconsistent stream.
 *
 * @example
 * ```ts
 * const pixels = new Uint8Array(width * height * 4);
 * decodePlanar(bitmapData, width, height, pixels); // top-down B,G,R,A; ProtocolError on a damaged stream
 * ```
 */
export function decodePlanar(
  bytes: Uint8Array,
  width: number,
  height: number,
  dst: Uint8Array,
  options: PlanarDecodeOptions = {},
): void {
  const stride = options.stride ?? width * 4;
  const bottomUp = options.bottomUp ?? true;
  checkDestination(dst, width, height, stride, PDU);
  if (bytes.byteLength < 1) throw new ProtocolError('TRUNCATED', 'missing FormatHeader', PDU);
  const header = bytes[0];
  const cll = header & PlanarHeader.CLL_MASK;
  const cs = (header & PlanarHeader.CS) !== 0;
  const rle = (header & PlanarHeader.RLE) !== 0;
  const alpha = (header & PlanarHeader.NA) === 0;
  if (cs && cll === 0) throw new ProtocolError('INVALID', 'chroma subsampling needs AYCoCg (ColorLossLevel > 0)', PDU);

  const planeSize = width * height;
  const chromaW = cs ? (width + 1) >> 1 : width;
  const chromaH = cs ? (height + 1) >> 1 : height;
  const chromaSize = chromaW * chromaH;
  const sizes = [alpha ? planeSize : 0, planeSize, chromaSize, chromaSize];
  const widths = [width, width, chromaW, chromaW];
  const heights = [height, height, chromaH, chromaH];
  let pos = 1;

  if (cll === 0) {
    // ARGB planes go straight into the destination's channels.
    const first = bottomUp ? (height - 1) * stride : 0;
    const rowStep = bottomUp ? -stride : stride;
    if (rle) {
      for (let pl = alpha ? 0 : 1; pl < 4; pl++) {
        pos = decodeRlePlane(bytes, pos, dst, first + CHANNELS[pl], rowStep, 4, width, height);
      }
    } else {
      const need = (alpha ? 4 : 3) * planeSize;
      if (bytes.byteLength - pos < need) throw new ProtocolError('TRUNCATED', `raw planes need ${need} bytes`, PDU);
      for (let pl = alpha ? 0 : 1; pl < 4; pl++) {
        const ch = CHANNELS[pl];
        for (let r = 0; r < height; r++) {
          let d = first + r * rowStep + ch;
          for (let x = 0; x < width; x++, d += 4) dst[d] = bytes[pos++];
        }
      }
    }
    if (!alpha) {
      for (let r = 0; r < height; r++) {
        let d = r * stride + 3;
        for (let x = 0; x < width; x++, d += 4) dst[d] = 0xff;
      }
    }
  } else {
    // AYCoCg planes are collected first, then converted (3.1.9.1.2, color loss 3.1.9.1.4).
    const total = sizes[0] + sizes[1] + sizes[2] + sizes[3];
    const offsets = [0, sizes[0], sizes[0] + sizes[1], sizes[0] + sizes[1] + sizes[2]];
    let planesBuf: Uint8Array;
    if (rle) {
      planeScratch = grow(planeScratch, total);
      planesBuf = planeScratch;
      for (let pl = alpha ? 0 : 1; pl < 4; pl++) {
        pos = decodeRlePlane(bytes, pos, planesBuf, offsets[pl], widths[pl], 1, widths[pl], heights[pl]);
      }
    } else {
      if (bytes.byteLength - pos < total) throw new ProtocolError('TRUNCATED', `raw planes need ${total} bytes`, PDU);
      planesBuf = bytes.subarray(pos, pos + total);
      pos += total;
    }
    const shift = cll - 1;
    for (let r = 0; r < height; r++) {
      let d = (bottomUp ? height - 1 - r : r) * stride;
      const lumaRow = offsets[1] + r * width;
      const chromaRow = (cs ? r >> 1 : r) * chromaW;
      for (let x = 0; x < width; x++, d += 4) {
        const c = chromaRow + (cs ? x >> 1 : x);
        const y = planesBuf[lumaRow + x];
        const co = ((planesBuf[offsets[2] + c] << shift) << 24) >> 24;
        const cg = ((planesBuf[offsets[3] + c] << shift) << 24) >> 24;
        const t = y - cg;
        const red = t + co;
        const blue = t - co;
        const green = y + cg;
        dst[d] = blue < 0 ? 0 : Math.min(blue, 255);
        dst[d + 1] = green < 0 ? 0 : Math.min(green, 255);
        dst[d + 2] = red < 0 ? 0 : Math.min(red, 255);
        dst[d + 3] = alpha ? planesBuf[r * width + x] : 0xff;
      }
    }
  }
  // Raw streams may end with one Pad byte; anything more means the size or the header is wrong.
  if (bytes.byteLength - pos > 1) {
    throw new ProtocolError('INVALID', `${bytes.byteLength - pos} unexpected bytes after the planes`, PDU);
  }
}
