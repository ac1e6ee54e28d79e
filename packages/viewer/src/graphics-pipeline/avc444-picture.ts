import { ProtocolError, type Rect } from '@rdshare/protocol';
import type { H264Planes } from './h264-decoder.js';

const PDU = 'RFX_AVC444_BITMAP_STREAM';
const BYTES_PER_PIXEL = 4;
/** v1 packs the odd chroma rows into the auxiliary luma in blocks of 16 rows: 8 of U, then 8 of V. */
const V1_ROW_BLOCK = 16;
const V1_U_ROWS = 8;

/** How the auxiliary view packs the chroma: 1 for RFX_AVC444_BITMAP_STREAM, 2 for RFX_AVC444V2_BITMAP_STREAM. */
export type Avc444Version = 1 | 2;

function clamp(v: number): number {
  return Math.max(0, Math.min(255, v));
}

/**
 * One surface's YUV444 picture as AVC444 rebuilds it (MS-RDPEGFX 3.3.8.3.2 for v1, 3.3.8.3.3 for v2) from the two
 * 4:2:0 views of one H.264 stream: the main view brings the luma and each 2x2 block's mean chroma, the auxiliary
 * view three of each block's four chroma samples; the fourth (top-left) is four times the mean minus the other
 * three. Each view changes only its own region rectangles, so what the other view brought before stays. Pictures
 * are converted to BGRA with BT.709 full range in FreeRDP's 8-bit integer weights, as its client converts them.
 */
export class Avc444Picture {
  /** Luma, and the chroma samples the auxiliary view brings, full size. */
  private readonly y: Uint8Array;
  private readonly u: Uint8Array;
  private readonly v: Uint8Array;
  /** The main view's chroma: each 2x2 block's mean. */
  private readonly meanU: Uint8Array;
  private readonly meanV: Uint8Array;
  private readonly halfWidth: number;

  constructor(
    /** The views' coded size (the surface rounded up to whole macroblocks). */
    readonly width: number,
    readonly height: number,
  ) {
    this.halfWidth = Math.ceil(width / 2);
    this.y = new Uint8Array(width * height);
    this.u = new Uint8Array(width * height);
    this.v = new Uint8Array(width * height);
    this.meanU = new Uint8Array(this.halfWidth * Math.ceil(height / 2));
    this.meanV = new Uint8Array(this.meanU.length);
  }

  /** Takes the main view's luma and mean chroma inside `rects`. */
  applyMain(view: H264Planes, rects: readonly Rect[]): void {
    this.checkSize(view);
    for (const r of this.clipAll(rects)) {
      for (let row = r.top; row < r.bottom; row++) {
        const from = row * view.yStride;
        this.y.set(view.y.subarray(from + r.left, from + r.right), row * this.width + r.left);
      }
      for (let row = r.top >> 1; row < (r.bottom + 1) >> 1; row++) {
        const from = row * view.uvStride;
        const to = row * this.halfWidth;
        for (let x = r.left >> 1; x < (r.right + 1) >> 1; x++) {
          this.meanU[to + x] = view.u[from + x];
          this.meanV[to + x] = view.v[from + x];
        }
      }
    }
  }

  /** Takes the chroma samples the auxiliary view carries inside `rects`. */
  applyAuxiliary(view: H264Planes, version: Avc444Version, rects: readonly Rect[]): void {
    this.checkSize(view);
    const half = this.width >> 1;
    const quarter = this.width >> 2;
    for (const r of this.clipAll(rects)) {
      for (let row = r.top; row < r.bottom; row++) {
        const at = row * this.width;
        const oddRow = (row & 1) === 1;
        for (let x = r.left; x < r.right; x++) {
          const oddColumn = (x & 1) === 1;
          if (!oddRow && !oddColumn) continue; // the top-left sample comes from the mean
          if (version === 1) {
            if (oddRow) {
              // Row 2i + 1 of a 16-row block is row i of the block's U rows, or of its V rows.
              const block = row & ~(V1_ROW_BLOCK - 1);
              const i = (row & (V1_ROW_BLOCK - 1)) >> 1;
              this.u[at + x] = view.y[(block + i) * view.yStride + x];
              this.v[at + x] = view.y[(block + V1_U_ROWS + i) * view.yStride + x];
            } else {
              const from = (row >> 1) * view.uvStride + (x >> 1);
              this.u[at + x] = view.u[from];
              this.v[at + x] = view.v[from];
            }
          } else if (oddColumn) {
            // v2: the odd columns in the luma, U's on the left half, V's on the right.
            const from = row * view.yStride + (x >> 1);
            this.u[at + x] = view.y[from];
            this.v[at + x] = view.y[from + half];
          } else {
            // v2: even columns of odd rows; columns 4k in the U plane, 4k + 2 in the V plane, U's then V's.
            const plane = (x & 3) === 0 ? view.u : view.v;
            const from = (row >> 1) * view.uvStride + (x >> 2);
            this.u[at + x] = plane[from];
            this.v[at + x] = plane[from + quarter];
          }
        }
      }
    }
  }

  /** Writes `rect` of the picture (within its size) as opaque BGRA into `out`, row 0 at `offset`. */
  toBgra(rect: Rect, out: Uint8Array, offset: number, stride: number): void {
    const r = this.clip(rect);
    for (let row = r.top; row < r.bottom; row++) {
      let o = offset + (row - r.top) * stride;
      for (let x = r.left; x < r.right; x++, o += BYTES_PER_PIXEL) {
        const at = row * this.width + x;
        let u = this.u[at];
        let v = this.v[at];
        if ((row & 1) === 0 && (x & 1) === 0) {
          const mean = (row >> 1) * this.halfWidth + (x >> 1);
          u = this.topLeft(this.u, at, this.meanU[mean], x, row);
          v = this.topLeft(this.v, at, this.meanV[mean], x, row);
        }
        const l = this.y[at] * 256;
        const d = u - 128;
        const e = v - 128;
        out[o] = clamp((l + 475 * d) >> 8);
        out[o + 1] = clamp((l - 48 * d - 120 * e) >> 8);
        out[o + 2] = clamp((l + 403 * e) >> 8);
        out[o + 3] = 255;
      }
    }
  }

  /** The top-left sample of a 2x2 block: four times the mean minus the other three (the mean alone at an edge). */
  private topLeft(plane: Uint8Array, at: number, mean: number, x: number, row: number): number {
    if (x + 1 >= this.width || row + 1 >= this.height) return mean;
    return clamp(4 * mean - plane[at + 1] - plane[at + this.width] - plane[at + this.width + 1]);
  }

  private checkSize(view: H264Planes): void {
    if (view.width !== this.width || view.height !== this.height) {
      throw new ProtocolError(
        'INVALID',
        `a ${view.width}x${view.height} view in a ${this.width}x${this.height} AVC444 stream`,
        PDU,
      );
    }
  }

  private clip(r: Rect): Rect {
    return {
      left: Math.max(0, r.left),
      top: Math.max(0, r.top),
      right: Math.min(this.width, r.right),
      bottom: Math.min(this.height, r.bottom),
    };
  }

  private clipAll(rects: readonly Rect[]): Rect[] {
    return rects.map((r) => this.clip(r)).filter((r) => r.right > r.left && r.bottom > r.top);
  }
}
