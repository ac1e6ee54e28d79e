import { BitWriter } from '../core/bit-stream.js';
import { ProtocolError } from '../core/errors.js';

/**
 * RLGR entropy coding of RemoteFX coefficients ([MS-RDPRFX] 3.1.8.1.7, after Malvar's adaptive run-length /
 * Golomb-Rice coder): runs of zeros while the run parameter k is non-zero, Golomb-Rice codes of single values
 * (RLGR1) or of pairs (RLGR3) while it is zero, both parameters adapting to what was just coded.
 */
export const RlgrMode = {
  /** CLW_ENTROPY_RLGR1 ([MS-RDPRFX] 2.2.2.1.5): one value per Golomb-Rice code. RemoteFX Progressive uses it. */
  RLGR1: 0x01,
  /** CLW_ENTROPY_RLGR3: two values per Golomb-Rice code, the first in binary after it. */
  RLGR3: 0x04,
} as const;
export type RlgrMode = (typeof RlgrMode)[keyof typeof RlgrMode];

/** The adaptation constants of [MS-RDPRFX] 3.1.8.1.7.3 (parameters carry LSGR fraction bits). */
const KPMAX = 80;
const LSGR = 3;
const UP_GR = 4;
const DN_GR = 6;
const UQ_GR = 3;
const DQ_GR = 3;

const PDU = 'RLGR';

function clampParam(p: number): number {
  return Math.max(0, Math.min(p, KPMAX));
}

/**
 * Decodes RLGR `data` into `out` (all of it: values the data does not reach are zero). Like the reference
 * decoders it stops at the end of the data rather than failing, since encoders pad the last byte with zero bits
 * that read as runs of zeros; every step consumes at least one bit, so a hostile stream costs time linear in
 * its length.
 */
export function decodeRlgr(data: Uint8Array, mode: RlgrMode, out: Int16Array): void {
  if (mode !== RlgrMode.RLGR1 && mode !== RlgrMode.RLGR3) {
    throw new ProtocolError('INVALID', `entropy mode 0x${(mode as number).toString(16)}`, PDU);
  }
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

/** Encodes `values` with RLGR (the inverse of {@link decodeRlgr}); the last byte is padded with zero bits. */
export function encodeRlgr(values: ArrayLike<number>, mode: RlgrMode): Uint8Array {
  const w = new BitWriter(Math.max(64, values.length));
  const ones = (count: number): void => {
    for (; count >= 24; count -= 24) w.write(0xffffff, 24);
    if (count > 0) w.write((1 << count) - 1, count);
  };
  let kp = 1 << LSGR;
  let k = 1;
  let krp = 1 << LSGR;
  const grCode = (value: number): void => {
    const kr = krp >> LSGR;
    const vk = Math.floor(value / 2 ** kr);
    ones(vk);
    w.write(0, 1);
    if (kr > 0) w.write(value & ((1 << kr) - 1), kr);
    if (vk === 0) krp = clampParam(krp - 2);
    else if (vk !== 1) krp = clampParam(krp + vk);
  };
  const twoMagSign = (v: number): number => (v >= 0 ? 2 * v : -2 * v - 1);

  let i = 0;
  const length = values.length;
  while (i < length) {
    if (k !== 0) {
      let zeros = 0;
      while (i < length && values[i] === 0) {
        zeros++;
        i++;
      }
      while (zeros >= 1 << k) {
        w.write(0, 1);
        zeros -= 1 << k;
        kp = clampParam(kp + UP_GR);
        k = kp >> LSGR;
      }
      w.write(1, 1);
      if (k > 0) w.write(zeros, k);
      // A run that reaches the end still ends in a value, as Windows decoders expect; decoders drop it.
      const v = i < length ? values[i++] : 1;
      w.write(v < 0 ? 1 : 0, 1);
      grCode(Math.abs(v) - 1);
      kp = clampParam(kp - DN_GR);
      k = kp >> LSGR;
    } else if (mode === RlgrMode.RLGR1) {
      const code = twoMagSign(values[i++]);
      grCode(code);
      kp = clampParam(code === 0 ? kp + UQ_GR : kp - DQ_GR);
      k = kp >> LSGR;
    } else {
      const first = twoMagSign(values[i++]);
      const second = i < length ? twoMagSign(values[i++]) : 0;
      const sum = first + second;
      grCode(sum);
      const width = sum === 0 ? 0 : 32 - Math.clz32(sum);
      if (width > 0) w.write(first, width);
      if (first !== 0 && second !== 0) kp = clampParam(kp - 2 * DQ_GR);
      else if (first === 0 && second === 0) kp = clampParam(kp + 2 * UQ_GR);
      k = kp >> LSGR;
    }
  }
  return w.finish().slice();
}
