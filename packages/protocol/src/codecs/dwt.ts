/**
 * Inverse discrete wavelet transforms of a 64x64 RemoteFX tile component, three levels of the LeGall 5/3 lifting
 * scheme. The coefficient array holds each level's HL, LH and HH bands followed by the next level, the smallest
 * level's LL band last (see rfx-quantization.ts for the layouts); each level's output replaces its bands and the
 * LL band in place, so after level 1 the array is the 64x64 component, row by row.
 */

/** Scratch for one level's horizontal pass: up to 64x64 values. */
export function dwtScratch(): Int16Array {
  return new Int16Array(4096);
}

/**
 * One row of RemoteFX's inverse lifting ([MS-RDPRFX] 3.1.8.1.4): `n` low and `n` high coefficients into 2n
 * samples, the missing neighbours at either end mirrored. Results are 16-bit, as the reference decoders store
 * them, so odd samples are computed from the even ones as stored.
 */
function liftRow(src: Int16Array, lowAt: number, highAt: number, n: number, dst: Int16Array, dstAt: number): void {
  let prevHigh = src[highAt];
  dst[dstAt] = src[lowAt] - prevHigh;
  for (let i = 1; i < n; i++) {
    const h = src[highAt + i];
    dst[dstAt + 2 * i] = src[lowAt + i] - ((prevHigh + h + 1) >> 1);
    prevHigh = h;
  }
  let even = dst[dstAt];
  for (let i = 0, d = dstAt; i < n - 1; i++, d += 2) {
    const nextEven = dst[d + 2];
    dst[d + 1] = (src[highAt + i] << 1) + ((even + nextEven) >> 1);
    even = nextEven;
  }
  dst[dstAt + 2 * n - 1] = (src[highAt + n - 1] << 1) + even;
}

/**
 * The vertical lifting of a level: `n` low rows (from `src[0]`) and `n` high rows (from `src[n * width]`) of
 * `width` values into 2n rows of `dst` from `dstAt`, row against row so the inner loops run over contiguous memory.
 */
function liftColumns(src: Int16Array, n: number, width: number, dst: Int16Array, dstAt: number): void {
  const high = n * width;
  const rowStep = 2 * width;
  for (let x = 0; x < width; x++) dst[dstAt + x] = src[x] - src[high + x];
  for (let i = 1; i < n; i++) {
    const low = i * width;
    const h = high + low;
    const d = dstAt + i * rowStep;
    for (let x = 0; x < width; x++) dst[d + x] = src[low + x] - ((src[h - width + x] + src[h + x] + 1) >> 1);
  }
  for (let i = 0; i < n - 1; i++) {
    const h = high + i * width;
    const d = dstAt + i * rowStep;
    for (let x = 0; x < width; x++) {
      dst[d + width + x] = (src[h + x] << 1) + ((dst[d + x] + dst[d + rowStep + x]) >> 1);
    }
  }
  const h = high + (n - 1) * width;
  const d = dstAt + (n - 1) * rowStep;
  for (let x = 0; x < width; x++) dst[d + width + x] = (src[h + x] << 1) + dst[d + x];
}

/** RemoteFX's inverse DWT of one tile component in place ([MS-RDPRFX] 3.1.8.1.4): levels of 8, 16 and 32. */
export function inverseDwt(coefficients: Int16Array, scratch: Int16Array): void {
  for (let level = 0, offset = 3840, n = 8; level < 3; level++, n *= 2, offset -= 3 * n * n) {
    const size = n * n;
    const width = 2 * n;
    const hl = offset;
    const lh = offset + size;
    const hh = offset + 2 * size;
    const ll = offset + 3 * size;
    // Rows: LL+HL into the upper half of the scratch (L), LH+HH into the lower half (H).
    for (let y = 0; y < n; y++) {
      liftRow(coefficients, ll + y * n, hl + y * n, n, scratch, y * width);
      liftRow(coefficients, lh + y * n, hh + y * n, n, scratch, (n + y) * width);
    }
    liftColumns(scratch, n, width, coefficients, offset);
  }
}

function clamp16(v: number): number {
  return Math.max(-32768, Math.min(v, 32767));
}

/**
 * One row (or column) of the reduce-extrapolate inverse lifting ([MS-RDPEGFX] 3.2.8.1.2): `lows` low and `highs`
 * high coefficients (lows is highs, highs + 1 or highs + 2) into lows + highs samples, the edge samples
 * extrapolated rather than mirrored. Halving truncates toward zero and every sample saturates to 16 bits, as
 * FreeRDP's decoder does (it shows Windows servers' progressive tiles).
 */
function liftExtrapolate(
  low: Int16Array,
  lowAt: number,
  lowStep: number,
  high: Int16Array,
  highAt: number,
  highStep: number,
  lows: number,
  highs: number,
  dst: Int16Array,
  dstAt: number,
  dstStep: number,
): void {
  let h0 = high[highAt];
  let x0 = clamp16(low[lowAt] - h0);
  let x2 = x0;
  let d = dstAt;
  for (let j = 1; j < highs; j++) {
    const h1 = high[highAt + j * highStep];
    x2 = clamp16(low[lowAt + j * lowStep] - (((h0 + h1) / 2) | 0));
    dst[d] = x0;
    dst[d + dstStep] = clamp16((((x0 + x2) / 2) | 0) + 2 * h0);
    d += 2 * dstStep;
    x0 = x2;
    h0 = h1;
  }
  dst[d] = x2;
  if (lows <= highs) {
    dst[d + dstStep] = clamp16(x2 + 2 * h0);
  } else if (lows === highs + 1) {
    const next = clamp16(low[lowAt + highs * lowStep] - h0);
    dst[d + dstStep] = clamp16((((next + x2) / 2) | 0) + 2 * h0);
    dst[d + 2 * dstStep] = next;
  } else {
    const next = clamp16(low[lowAt + highs * lowStep] - ((h0 / 2) | 0));
    dst[d + dstStep] = clamp16((((next + x2) / 2) | 0) + 2 * h0);
    dst[d + 2 * dstStep] = next;
    dst[d + 3 * dstStep] = clamp16(((next + low[lowAt + (highs + 1) * lowStep]) / 2) | 0);
  }
}

/**
 * The progressive codec's reduce-extrapolate inverse DWT in place (RFX_DWT_REDUCE_EXTRAPOLATE, [MS-RDPEGFX]
 * 3.2.8.1.2): level l has (64 >> l) + 1 low and 31, 16, 8 high coefficients per dimension.
 */
export function inverseDwtReduceExtrapolate(coefficients: Int16Array, scratch: Int16Array): void {
  for (const [offset, lows, highs] of [
    [3807, 9, 8],
    [3007, 17, 16],
    [0, 33, 31],
  ] as const) {
    const width = lows + highs;
    const hl = offset;
    const lh = hl + highs * lows;
    const hh = lh + lows * highs;
    const ll = hh + highs * highs;
    const h = lows * width;
    for (let y = 0; y < lows; y++) {
      liftExtrapolate(
        coefficients,
        ll + y * lows,
        1,
        coefficients,
        hl + y * highs,
        1,
        lows,
        highs,
        scratch,
        y * width,
        1,
      );
    }
    for (let y = 0; y < highs; y++) {
      liftExtrapolate(
        coefficients,
        lh + y * lows,
        1,
        coefficients,
        hh + y * highs,
        1,
        lows,
        highs,
        scratch,
        h + y * width,
        1,
      );
    }
    for (let x = 0; x < width; x++) {
      liftExtrapolate(scratch, x, width, scratch, h + x, width, lows, highs, coefficients, offset + x, width);
    }
  }
}
