import type { I420Frame, Yuv444Frame } from '@rdshare/native';

/**
 * The two AVC444 layouts of the auxiliary view: 1 for RFX_AVC444_BITMAP_STREAM (MS-RDPEGFX 3.3.8.3.2), 2 for
 * RFX_AVC444V2_BITMAP_STREAM (3.3.8.3.3).
 */
export type Avc444Version = 1 | 2;

/** Allocates the planes of a `width` x `height` 4:2:0 picture. */
export function allocateI420(width: number, height: number): I420Frame {
  const half = (width / 2) * (height / 2);
  return {
    y: new Uint8Array(width * height),
    u: new Uint8Array(half),
    v: new Uint8Array(half),
    yStride: width,
    uvStride: width / 2,
  };
}

/**
 * Splits a YUV444 picture (its width and height multiples of 16, as every H.264 picture RDP sends) into the two
 * 4:2:0 views an AVC444 client combines (MS-RDPEGFX 3.3.8.3.2 / 3.3.8.3.3). The main view is an ordinary 4:2:0
 * picture: the full luma and, per 2x2 block, the mean of its four chroma samples (a client that shows the main view
 * alone shows right colours, and one that combines recovers the block's top-left sample as four times the mean
 * minus the other three). The auxiliary view carries the other three chroma samples of each block:
 * - v1: its luma rows hold the odd chroma rows, in 16-row blocks of 8 U rows then 8 V rows (row 16b + i of the
 *   view is row 16b + 2i + 1 of U, or of V for i >= 8 with i - 8); its chroma planes the odd columns of the even
 *   rows (U and V respectively).
 * - v2: its luma holds the odd columns, U's in the left half and V's in the right; its chroma planes the even
 *   columns of the odd rows: the U plane columns 4k (U's left, V's right), the V plane columns 4k + 2.
 */
export function splitAvc444Views(yuv: Yuv444Frame, version: Avc444Version, main: I420Frame, aux: I420Frame): void {
  const { width, height, stride } = yuv;
  const halfWidth = width / 2;
  const halfHeight = height / 2;
  for (let row = 0; row < height; row++)
    main.y.set(yuv.y.subarray(row * stride, row * stride + width), row * main.yStride);
  for (let row = 0; row < halfHeight; row++) {
    const top = 2 * row * stride;
    const bottom = top + stride;
    const out = row * main.uvStride;
    for (let x = 0; x < halfWidth; x++) {
      const a = top + 2 * x;
      const b = bottom + 2 * x;
      main.u[out + x] = (yuv.u[a] + yuv.u[a + 1] + yuv.u[b] + yuv.u[b + 1] + 2) >> 2;
      main.v[out + x] = (yuv.v[a] + yuv.v[a + 1] + yuv.v[b] + yuv.v[b + 1] + 2) >> 2;
    }
  }
  if (version === 1) splitV1(yuv, aux);
  else splitV2(yuv, aux);
}

function splitV1(yuv: Yuv444Frame, aux: I420Frame): void {
  const { width, height, stride } = yuv;
  for (let row = 0; row < height; row++) {
    const block = row & ~15;
    const i = row & 15;
    const source = i < 8 ? yuv.u : yuv.v;
    const from = (block + 2 * (i & 7) + 1) * stride;
    aux.y.set(source.subarray(from, from + width), row * aux.yStride);
  }
  for (let row = 0; row < height / 2; row++) {
    const from = 2 * row * stride + 1;
    const out = row * aux.uvStride;
    for (let x = 0; x < width / 2; x++) {
      aux.u[out + x] = yuv.u[from + 2 * x];
      aux.v[out + x] = yuv.v[from + 2 * x];
    }
  }
}

function splitV2(yuv: Yuv444Frame, aux: I420Frame): void {
  const { width, height, stride } = yuv;
  const halfWidth = width / 2;
  const quarterWidth = width / 4;
  for (let row = 0; row < height; row++) {
    const from = row * stride + 1;
    const out = row * aux.yStride;
    for (let x = 0; x < halfWidth; x++) {
      aux.y[out + x] = yuv.u[from + 2 * x];
      aux.y[out + halfWidth + x] = yuv.v[from + 2 * x];
    }
  }
  for (let row = 0; row < height / 2; row++) {
    const from = (2 * row + 1) * stride;
    const out = row * aux.uvStride;
    for (let x = 0; x < quarterWidth; x++) {
      const at = from + 4 * x;
      aux.u[out + x] = yuv.u[at];
      aux.u[out + quarterWidth + x] = yuv.v[at];
      aux.v[out + x] = yuv.u[at + 2];
      aux.v[out + quarterWidth + x] = yuv.v[at + 2];
    }
  }
}

/** H.264 macroblocks are 16x16 luma samples and 8x8 of each 4:2:0 chroma plane. */
const MACROBLOCK = 16;

/**
 * Replaces each macroblock of the auxiliary view that carries chroma of no pixel the client will be told to show
 * (`shown(x, y)` false for the surface pixel at the block's origin) with the main view's same macroblock. The
 * client reads the auxiliary view only inside the regions it is sent with, and the auxiliary picture predicts
 * from the main picture coded just before it: a copy of the main view codes as next to nothing where real chroma
 * would code as a new picture. A macroblock of the auxiliary view maps to one block of the surface, which lies in
 * one 64x64 tile: 16x16 at the same place (v1), or 32x16 of the U (left half) or V (right half) samples (v2).
 */
export function hideAuxiliary(
  version: Avc444Version,
  main: I420Frame,
  aux: I420Frame,
  size: { width: number; height: number },
  shown: (x: number, y: number) => boolean,
): void {
  const { width, height } = size;
  const columns = width / MACROBLOCK;
  for (let my = 0; my < height / MACROBLOCK; my++) {
    for (let mx = 0; mx < columns; mx++) {
      const x = version === 1 ? mx * MACROBLOCK : (mx % (columns / 2)) * 2 * MACROBLOCK;
      if (shown(x, my * MACROBLOCK)) continue;
      copyBlock(main.y, aux.y, main.yStride, aux.yStride, mx * MACROBLOCK, my * MACROBLOCK, MACROBLOCK);
      const half = MACROBLOCK / 2;
      copyBlock(main.u, aux.u, main.uvStride, aux.uvStride, mx * half, my * half, half);
      copyBlock(main.v, aux.v, main.uvStride, aux.uvStride, mx * half, my * half, half);
    }
  }
}

function copyBlock(
  from: Uint8Array,
  to: Uint8Array,
  fromStride: number,
  toStride: number,
  x: number,
  y: number,
  size: number,
) {
  for (let row = y; row < y + size; row++) {
    to.set(from.subarray(row * fromStride + x, row * fromStride + x + size), row * toStride + x);
  }
}
