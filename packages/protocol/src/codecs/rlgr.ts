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
 * The bits of an RLGR stream through a 32-bit word refilled a byte at a time, with the Golomb-Rice parameter
 * that adapts as codes are read. A class rather than closures so V8 keeps the state in fields, not in a context
 * every access goes through: this is most of a tile's decoding time.
 */
class RlgrReader {
  /** The next bits, the first in bit 31; bits past `avail` are zero. */
  private word = 0;
  private avail = 0;
  private next = 0;
  /** Bits of the data not yet consumed. */
  left: number;
  private krp = 1 << LSGR;
  private kr = 1;

  constructor(private readonly data: Uint8Array) {
    this.left = data.length * 8;
  }

  private refill(): void {
    const data = this.data;
    while (this.avail <= 24 && this.next < data.length) {
      this.word |= data[this.next++] << (24 - this.avail);
      this.avail += 8;
    }
  }

  /** `count` bits (1 to 24, no more than are left). */
  take(count: number): number {
    if (this.avail < count) this.refill();
    const v = this.word >>> (32 - count);
    this.word <<= count;
    this.avail -= count;
    this.left -= count;
    return v;
  }

  /** `count` bits (0 to 32, no more than are left) as an unsigned number. */
  takeWide(count: number): number {
    if (count === 0) return 0;
    if (count <= 24) return this.take(count);
    const high = this.take(count - 16);
    return high * 65536 + this.take(16);
  }

  /** Whether the last {@link run} reached the end of the data before a differing bit. */
  ended = false;

  /** Consumes bits equal to `bit` and the one after them that differs; returns how many were equal. */
  run(bit: 0 | 1): number {
    let count = 0;
    for (;;) {
      if (this.avail === 0) {
        this.refill();
        if (this.avail === 0) {
          this.ended = true;
          return count;
        }
      }
      const same = Math.clz32(bit === 0 ? this.word : ~this.word);
      if (same < this.avail) {
        this.word = (this.word << same) << 1;
        this.avail -= same + 1;
        this.left -= same + 1;
        return count + same;
      }
      count += this.avail;
      this.left -= this.avail;
      this.word = 0;
      this.avail = 0;
    }
  }

  /** The Golomb-Rice code of one value with parameter kr (adapting it), or -1 when the data ends inside it. */
  grCode(): number {
    const vk = this.run(1);
    const kr = this.kr;
    if (this.ended || this.left < kr) return -1;
    const code = vk * (1 << kr) + (kr > 0 ? this.take(kr) : 0);
    if (vk === 0) this.krp = clampParam(this.krp - 2);
    else if (vk !== 1) this.krp = clampParam(this.krp + vk);
    this.kr = this.krp >> LSGR;
    return code;
  }
}

function fromTwoMagSign(v: number): number {
  return v & 1 ? -((v + 1) / 2) : v / 2;
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
  const rlgr1 = mode === RlgrMode.RLGR1;
  const bits = new RlgrReader(data);
  const size = out.length;
  let n = 0;
  let kp = 1 << LSGR;
  let k = 1;

  while (bits.left > 0 && n < size) {
    if (k !== 0) {
      // Each zero stands for 2^k zero values, k growing as it goes; a one ends the run.
      const zeros = bits.run(0);
      let run = 0;
      for (let z = zeros; z > 0; z--) {
        run += 1 << k;
        kp = clampParam(kp + UP_GR);
        k = kp >> LSGR;
      }
      if (bits.ended || bits.left < k) {
        out.fill(0, n, Math.min(size, n + run));
        n = size;
        break;
      }
      if (k > 0) run += bits.take(k);
      // Runs are mostly short, where a loop beats a call of fill.
      for (const end = Math.min(size, n + run); n < end; ) out[n++] = 0;
      if (bits.left === 0) break;
      const negative = bits.take(1) === 1;
      const code = bits.grCode();
      if (code < 0) break;
      if (n < size) out[n++] = negative ? -(code + 1) : code + 1;
      kp = clampParam(kp - DN_GR);
      k = kp >> LSGR;
    } else {
      const code = bits.grCode();
      if (code < 0) break;
      if (rlgr1) {
        kp = clampParam(code === 0 ? kp + UQ_GR : kp - DQ_GR);
        k = kp >> LSGR;
        out[n++] = fromTwoMagSign(code);
      } else {
        const width = code === 0 ? 0 : 32 - Math.clz32(code);
        if (bits.left < width) break;
        const first = bits.takeWide(width);
        const second = code - first;
        if (first !== 0 && second !== 0) kp = clampParam(kp - 2 * DQ_GR);
        else if (first === 0 && second === 0) kp = clampParam(kp + 2 * UQ_GR);
        k = kp >> LSGR;
        out[n++] = fromTwoMagSign(first);
        if (n < size) out[n++] = fromTwoMagSign(second);
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
