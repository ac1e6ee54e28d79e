import { encodeRlgr, RFX_SUBBAND_LAYOUT, RfxSubband, type RlgrMode } from '../../src/index.js';

/**
 * A RemoteFX tile encoder for tests and benchmarks (the protocol package only decodes tiles): colour transform,
 * forward DWT, quantization, LL3 differences and RLGR, the inverse of the decoder's steps ([MS-RDPRFX] 3.1.8.2),
 * so tiles of a known picture can be made at will.
 */

/**
 * The quantization values servers commonly send, indexed by RfxSubband (FreeRDP's default table: 6 for level 3
 * and LL3, 7 and 8 for level 2, 8 and 9 for level 1).
 */
export const TYPICAL_QUANT: readonly number[] = [8, 8, 9, 7, 7, 8, 6, 6, 6, 6];

/** The three components of a 64x64 BGRX tile at (`x`,`y`) of `frame`, in 11.5 fixed point with Y centred on zero. */
function toYCbCr(frame: Uint8Array, stride: number, x: number, y: number): Int16Array[] {
  const planes = [new Int16Array(4096), new Int16Array(4096), new Int16Array(4096)];
  for (let row = 0; row < 64; row++) {
    for (let col = 0; col < 64; col++) {
      const p = (y + row) * stride + (x + col) * 4;
      const [b, g, r] = [frame[p], frame[p + 1], frame[p + 2]];
      const i = row * 64 + col;
      planes[0][i] = Math.round((0.299 * r + 0.587 * g + 0.114 * b - 128) * 32);
      planes[1][i] = Math.round((-0.168935 * r - 0.331665 * g + 0.50059 * b) * 32);
      planes[2][i] = Math.round((0.499813 * r - 0.418531 * g - 0.081282 * b) * 32);
    }
  }
  return planes;
}

/** Forward lifting of 2n samples (stride `step`) into n low and n high values, the inverse of the decoder's. */
function liftForward(src: Int32Array, at: number, step: number, n: number, low: Int32Array, high: Int32Array): void {
  const x = (i: number) => src[at + Math.min(i, 2 * n - 2) * step];
  for (let i = 0; i < n; i++) high[i] = (x(2 * i + 1) - ((x(2 * i) + x(2 * i + 2)) >> 1)) >> 1;
  for (let i = 0; i < n; i++) low[i] = x(2 * i) + ((high[Math.max(i - 1, 0)] + high[i]) >> 1);
}

/** Three levels of forward DWT of a 64x64 component into the sub-band layout the decoder reads. */
function forwardDwt(plane: Int16Array): Int32Array {
  const out = new Int32Array(4096);
  let image = Int32Array.from(plane);
  for (const [offset, n] of [
    [0, 32],
    [3072, 16],
    [3840, 8],
  ] as const) {
    const width = 2 * n;
    const vertical = new Int32Array(width * width);
    const low = new Int32Array(n);
    const high = new Int32Array(n);
    for (let col = 0; col < width; col++) {
      liftForward(image, col, width, n, low, high);
      for (let i = 0; i < n; i++) {
        vertical[i * width + col] = low[i];
        vertical[(n + i) * width + col] = high[i];
      }
    }
    const ll = new Int32Array(n * n);
    const size = n * n;
    for (let row = 0; row < width; row++) {
      liftForward(vertical, row * width, 1, n, low, high);
      const top = row < n;
      const r = top ? row : row - n;
      for (let i = 0; i < n; i++) {
        if (top) {
          ll[r * n + i] = low[i];
          out[offset + r * n + i] = high[i];
        } else {
          out[offset + size + r * n + i] = low[i];
          out[offset + 2 * size + r * n + i] = high[i];
        }
      }
    }
    if (n === 8) out.set(ll, offset + 3 * size);
    image = ll;
  }
  return out;
}

/** Quantized, differentially coded coefficients of one component, ready for RLGR. */
function quantize(coefficients: Int32Array, quant: readonly number[]): Int16Array {
  const out = new Int16Array(4096);
  for (let band = 0; band < 10; band++) {
    const shift = quant[band] - 1;
    const start = RFX_SUBBAND_LAYOUT.offsets[band];
    for (let i = start; i < start + RFX_SUBBAND_LAYOUT.lengths[band]; i++) {
      out[i] = Math.round(coefficients[i] / 2 ** shift);
    }
  }
  const ll3 = RFX_SUBBAND_LAYOUT.offsets[RfxSubband.LL3];
  for (let i = ll3 + 63; i > ll3; i--) out[i] -= out[i - 1];
  return out;
}

/** The Y, Cb and Cr RLGR data of the 64x64 tile at (`x`,`y`) of a BGRX `frame`. */
export function encodeRfxTile(
  frame: Uint8Array,
  stride: number,
  x: number,
  y: number,
  mode: RlgrMode,
  quant: readonly number[] = TYPICAL_QUANT,
): Uint8Array[] {
  return toYCbCr(frame, stride, x, y).map((plane) => encodeRlgr(quantize(forwardDwt(plane), quant), mode));
}
