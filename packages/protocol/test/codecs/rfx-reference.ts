import { RlgrMode } from '../../src/index.js';

/**
 * Straightforward versions of the RemoteFX tile kernels (a bit at a time, a row or column per call, a byte per
 * store), as they were before src/codecs was tuned for speed: the tuned kernels must give the same values, and
 * the benchmark measures them against these.
 */

const KPMAX = 80;
const LSGR = 3;
const UP_GR = 4;
const DN_GR = 6;
const UQ_GR = 3;
const DQ_GR = 3;

function clampParam(p: number): number {
  return Math.max(0, Math.min(p, KPMAX));
}

const CR_R = 91916;
const CR_G = 46819;
const CB_G = 22527;
const CB_B = 115992;
const Y_OFFSET = 128 << 5;
const SCALE = 2 ** 21;

export function referenceDecodeRlgr(data: Uint8Array, mode: RlgrMode, out: Int16Array): void {
  const total = data.length * 8;
  const size = out.length;
  let pos = 0;
  let n = 0;
  let kp = 1 << LSGR;
  let k = 1;
  let krp = 1 << LSGR;
  let kr = 1;

  const bit = (): number => {
    const b = (data[pos >> 3] >> (7 - (pos & 7))) & 1;
    pos++;
    return b;
  };
  const bits = (count: number): number => {
    let v = 0;
    for (let i = 0; i < count; i++) v = v * 2 + bit();
    return v;
  };
  /** The Golomb-Rice code of one value with parameter kr (adapting it), or -1 when the data ends inside it. */
  const grCode = (): number => {
    let vk = 0;
    for (;;) {
      if (pos >= total) return -1;
      if (bit() === 0) break;
      vk++;
    }
    if (total - pos < kr) return -1;
    const code = vk * 2 ** kr + bits(kr);
    if (vk === 0) krp = clampParam(krp - 2);
    else if (vk !== 1) krp = clampParam(krp + vk);
    kr = krp >> LSGR;
    return code;
  };
  const put = (v: number): void => {
    if (n < size) out[n++] = v;
  };
  const fromTwoMagSign = (v: number): number => (v & 1 ? -((v + 1) / 2) : v / 2);

  while (pos < total && n < size) {
    if (k !== 0) {
      let run = 0;
      let terminated = false;
      while (pos < total) {
        if (bit() === 1) {
          terminated = true;
          break;
        }
        run += 1 << k;
        kp = clampParam(kp + UP_GR);
        k = kp >> LSGR;
      }
      if (!terminated || total - pos < k) {
        for (const end = Math.min(size, n + run); n < end; ) out[n++] = 0;
        break;
      }
      run += bits(k);
      for (const end = Math.min(size, n + run); n < end; ) out[n++] = 0;
      if (pos >= total) break;
      const negative = bit() === 1;
      const code = grCode();
      if (code < 0) break;
      put(negative ? -(code + 1) : code + 1);
      kp = clampParam(kp - DN_GR);
      k = kp >> LSGR;
    } else {
      const code = grCode();
      if (code < 0) break;
      if (mode === RlgrMode.RLGR1) {
        kp = clampParam(code === 0 ? kp + UQ_GR : kp - DQ_GR);
        k = kp >> LSGR;
        put(fromTwoMagSign(code));
      } else {
        const width = code === 0 ? 0 : 32 - Math.clz32(code);
        if (total - pos < width) break;
        const first = bits(width);
        const second = code - first;
        if (first !== 0 && second !== 0) kp = clampParam(kp - 2 * DQ_GR);
        else if (first === 0 && second === 0) kp = clampParam(kp + 2 * UQ_GR);
        k = kp >> LSGR;
        put(fromTwoMagSign(first));
        put(fromTwoMagSign(second));
      }
    }
  }
  out.fill(0, n);
}

function liftRfx(
  low: Int16Array,
  lowAt: number,
  high: Int16Array,
  highAt: number,
  step: number,
  n: number,
  dst: Int16Array,
  dstAt: number,
  dstStep: number,
): void {
  let prevHigh = high[highAt];
  dst[dstAt] = low[lowAt] - prevHigh;
  for (let i = 1; i < n; i++) {
    const h = high[highAt + i * step];
    dst[dstAt + 2 * i * dstStep] = low[lowAt + i * step] - ((prevHigh + h + 1) >> 1);
    prevHigh = h;
  }
  for (let i = 0; i < n - 1; i++) {
    const even = dstAt + 2 * i * dstStep;
    dst[even + dstStep] = (high[highAt + i * step] << 1) + ((dst[even] + dst[even + 2 * dstStep]) >> 1);
  }
  const last = dstAt + 2 * (n - 1) * dstStep;
  dst[last + dstStep] = (high[highAt + (n - 1) * step] << 1) + dst[last];
}
export function referenceInverseDwt(coefficients: Int16Array, scratch: Int16Array): void {
  for (const [offset, n] of [
    [3840, 8],
    [3072, 16],
    [0, 32],
  ] as const) {
    const size = n * n;
    const width = 2 * n;
    const hl = offset;
    const lh = offset + size;
    const hh = offset + 2 * size;
    const ll = offset + 3 * size;
    // Rows: LL+HL into the upper half of the scratch (L), LH+HH into the lower half (H).
    for (let y = 0; y < n; y++) {
      liftRfx(coefficients, ll + y * n, coefficients, hl + y * n, 1, n, scratch, y * width, 1);
      liftRfx(coefficients, lh + y * n, coefficients, hh + y * n, 1, n, scratch, (n + y) * width, 1);
    }
    for (let x = 0; x < width; x++) {
      liftRfx(scratch, x, scratch, n * width + x, width, n, coefficients, offset + x, width);
    }
  }
}

function byte(v: number): number {
  const b = Math.floor(v / SCALE);
  return Math.max(0, Math.min(b, 255));
}

/**
 * Converts `count` samples of the three components (from `at` in each) into opaque BGRA pixels at `out[outAt]`.
 */
export function referenceYCbCrToBgra(
  y: Int16Array,
  cb: Int16Array,
  cr: Int16Array,
  at: number,
  count: number,
  out: Uint8Array,
  outAt: number,
): void {
  for (let i = at, o = outAt; i < at + count; i++, o += 4) {
    const luma = (y[i] + Y_OFFSET) * 65536;
    const blue = cb[i];
    const red = cr[i];
    out[o] = byte(luma + blue * CB_B);
    out[o + 1] = byte(luma - blue * CB_G - red * CR_G);
    out[o + 2] = byte(luma + red * CR_R);
    out[o + 3] = 0xff;
  }
}
