import { type I420Frame, type PlaneCopy, shufflePlanes, type Yuv444Frame } from '@rdshare/native';

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
 *
 * Each macroblock of the auxiliary view that carries chroma of no pixel the client will be shown (`shown(x, y)`
 * false for the surface pixel at the block's origin) holds the main view's same macroblock instead: the client
 * reads the auxiliary view only inside the regions it is sent with, and the auxiliary picture predicts from the
 * main picture coded just before it, so a copy of the main view codes as next to nothing where real chroma would
 * code as a new picture. A macroblock of the auxiliary view maps to one block of the surface, which lies in one
 * 64x64 tile: 16x16 at the same place (v1), or 32x16 of the U (left half) or V (right half) samples (v2).
 *
 * The samples move on the libuv thread pool (`shufflePlanes`): in JavaScript the split took 13-25 ms a 1280x800
 * picture here, a third of a core at 30 pictures a second.
 */
export async function splitAvc444Views(
  yuv: Yuv444Frame,
  version: Avc444Version,
  main: I420Frame,
  aux: I420Frame,
  shown: (x: number, y: number) => boolean = () => true,
): Promise<void> {
  const { width, height, stride } = yuv;
  const planes = [
    { data: yuv.y, stride },
    { data: yuv.u, stride },
    { data: yuv.v, stride },
    { data: main.y, stride: main.yStride },
    { data: main.u, stride: main.uvStride },
    { data: main.v, stride: main.uvStride },
    { data: aux.y, stride: aux.yStride },
    { data: aux.u, stride: aux.uvStride },
    { data: aux.v, stride: aux.uvStride },
  ];
  const copies = [...mainCopies(width, height), ...auxiliaryCopies(version, width, height)];
  copies.push(...hiddenCopies(version, width, height, shown));
  await shufflePlanes(planes, copies);
}

/** Indexes of the planes {@link splitAvc444Views} hands to `shufflePlanes`. */
const Y444 = 0;
const U444 = 1;
const V444 = 2;
const MAIN_Y = 3;
const MAIN_U = 4;
const MAIN_V = 5;
const AUX_Y = 6;
const AUX_U = 7;
const AUX_V = 8;

/** `width` x `height` samples of plane `from` at (x, y) stepping (stepX, stepY) to plane `to` at (toX, toY). */
function copy(
  from: number,
  [x, y, stepX, stepY]: [number, number, number, number],
  to: number,
  [toX, toY, width, height]: [number, number, number, number],
  mean = false,
): PlaneCopy {
  return { from, fromX: x, fromY: y, stepX, stepY, to, toX, toY, width, height, mean };
}

function mainCopies(width: number, height: number): PlaneCopy[] {
  const half: [number, number, number, number] = [0, 0, width / 2, height / 2];
  return [
    copy(Y444, [0, 0, 1, 1], MAIN_Y, [0, 0, width, height]),
    copy(U444, [0, 0, 2, 2], MAIN_U, half, true),
    copy(V444, [0, 0, 2, 2], MAIN_V, half, true),
  ];
}

function auxiliaryCopies(version: Avc444Version, width: number, height: number): PlaneCopy[] {
  const halfWidth = width / 2;
  const quarterWidth = width / 4;
  const halfHeight = height / 2;
  if (version === 1) {
    const copies: PlaneCopy[] = [];
    for (let block = 0; block < height; block += MACROBLOCK) {
      copies.push(copy(U444, [0, block + 1, 1, 2], AUX_Y, [0, block, width, MACROBLOCK / 2]));
      copies.push(copy(V444, [0, block + 1, 1, 2], AUX_Y, [0, block + MACROBLOCK / 2, width, MACROBLOCK / 2]));
    }
    copies.push(copy(U444, [1, 0, 2, 2], AUX_U, [0, 0, halfWidth, halfHeight]));
    copies.push(copy(V444, [1, 0, 2, 2], AUX_V, [0, 0, halfWidth, halfHeight]));
    return copies;
  }
  return [
    copy(U444, [1, 0, 2, 1], AUX_Y, [0, 0, halfWidth, height]),
    copy(V444, [1, 0, 2, 1], AUX_Y, [halfWidth, 0, halfWidth, height]),
    copy(U444, [0, 1, 4, 2], AUX_U, [0, 0, quarterWidth, halfHeight]),
    copy(V444, [0, 1, 4, 2], AUX_U, [quarterWidth, 0, quarterWidth, halfHeight]),
    copy(U444, [2, 1, 4, 2], AUX_V, [0, 0, quarterWidth, halfHeight]),
    copy(V444, [2, 1, 4, 2], AUX_V, [quarterWidth, 0, quarterWidth, halfHeight]),
  ];
}

/** H.264 macroblocks are 16x16 luma samples and 8x8 of each 4:2:0 chroma plane. */
const MACROBLOCK = 16;

/** Runs of hidden macroblocks in each macroblock row, copied from the main view together. */
function hiddenCopies(
  version: Avc444Version,
  width: number,
  height: number,
  shown: (x: number, y: number) => boolean,
): PlaneCopy[] {
  const columns = width / MACROBLOCK;
  const half = MACROBLOCK / 2;
  const origin = (mx: number) => (version === 1 ? mx * MACROBLOCK : (mx % (columns / 2)) * 2 * MACROBLOCK);
  const copies: PlaneCopy[] = [];
  for (let my = 0; my < height / MACROBLOCK; my++) {
    let mx = 0;
    while (mx < columns) {
      if (shown(origin(mx), my * MACROBLOCK)) {
        mx++;
        continue;
      }
      let end = mx + 1;
      while (end < columns && !shown(origin(end), my * MACROBLOCK)) end++;
      const n = end - mx;
      const y = my * MACROBLOCK;
      copies.push(copy(MAIN_Y, [mx * MACROBLOCK, y, 1, 1], AUX_Y, [mx * MACROBLOCK, y, n * MACROBLOCK, MACROBLOCK]));
      copies.push(copy(MAIN_U, [mx * half, y / 2, 1, 1], AUX_U, [mx * half, y / 2, n * half, half]));
      copies.push(copy(MAIN_V, [mx * half, y / 2, 1, 1], AUX_V, [mx * half, y / 2, n * half, half]));
      mx = end;
    }
  }
  return copies;
}
