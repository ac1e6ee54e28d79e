import { ProtocolError } from './errors.js';

/** Reads bits MSB first, as the RDP bulk compressors (MPPC, RDP 8.0) write them. */
export class BitReader {
  private bit = 0;

  constructor(
    private readonly data: Uint8Array,
    /** How many of the data's bits count (the rest of the last byte is padding). */
    readonly length: number,
    private readonly pdu: string,
  ) {}

  get remaining(): number {
    return this.length - this.bit;
  }

  /** The next `count` bits (up to 24) without taking them, zeros past the end. */
  peek(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      const at = this.bit + i;
      const b = at < this.length ? (this.data[at >> 3] >> (7 - (at & 7))) & 1 : 0;
      value = (value << 1) | b;
    }
    return value;
  }

  read(count: number): number {
    if (count > this.remaining) {
      throw new ProtocolError('INVALID', `${count} bits wanted, ${this.remaining} left`, this.pdu);
    }
    const value = this.peek(count);
    this.bit += count;
    return value;
  }

  /** Takes `count` whole bytes from the next byte boundary on. */
  bytes(count: number): Uint8Array {
    this.bit = (this.bit + 7) & ~7;
    if (count * 8 > this.remaining) {
      throw new ProtocolError('INVALID', `${count} unencoded bytes wanted, ${this.remaining >> 3} left`, this.pdu);
    }
    const start = this.bit >> 3;
    this.bit += count * 8;
    return this.data.subarray(start, start + count);
  }
}

/** Writes bits MSB first, as {@link BitReader} reads them, through a 24-bit accumulator. */
export class BitWriter {
  private bytes: Uint8Array;
  private at = 0;
  private acc = 0;
  private pending = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Bits written so far. */
  get length(): number {
    return this.at * 8 + this.pending;
  }

  /** The low `count` bits of `value` (count at most 24). */
  write(value: number, count: number): void {
    this.acc = ((this.acc << count) | (value & ((1 << count) - 1))) >>> 0;
    this.pending += count;
    while (this.pending >= 8) {
      this.pending -= 8;
      if (this.at === this.bytes.length) {
        const grown = new Uint8Array(this.bytes.length * 2);
        grown.set(this.bytes);
        this.bytes = grown;
      }
      this.bytes[this.at++] = (this.acc >>> this.pending) & 0xff;
    }
    this.acc &= (1 << this.pending) - 1;
  }

  /**
   * The bits padded with zeros to a whole byte, followed by `trailer` more bytes of room (the caller's to fill),
   * as a view of the writer's buffer.
   */
  finish(trailer = 0): Uint8Array {
    if (this.pending > 0) this.write(0, 8 - this.pending);
    if (this.at + trailer > this.bytes.length) {
      const grown = new Uint8Array(this.at + trailer);
      grown.set(this.bytes.subarray(0, this.at));
      this.bytes = grown;
    }
    return this.bytes.subarray(0, this.at + trailer);
  }
}

/**
 * The length-of-match code MPPC (MS-RDPBCGR 3.1.8.4.2.2.2) and RDP 8.0 compression share: 3 is a single 0; a
 * length in [2^(k+1), 2^(k+2)) is k ones and a zero, then length - 2^(k+1) in k + 1 bits.
 */
export function writeMatchLength(bits: BitWriter, length: number): void {
  if (length === 3) {
    bits.write(0, 1);
    return;
  }
  const k = 30 - Math.clz32(length);
  bits.write((1 << (k + 1)) - 2, k + 1);
  bits.write(length - (1 << (k + 1)), k + 1);
}

/** Reads a {@link writeMatchLength} code of at most `maxOnes` ones. */
export function readMatchLength(bits: BitReader, maxOnes: number, pdu: string): number {
  let ones = 0;
  while (bits.read(1) === 1) {
    ones++;
    if (ones > maxOnes) throw new ProtocolError('INVALID', `a match length of over ${maxOnes + 1} bits`, pdu);
  }
  return ones === 0 ? 3 : 2 ** (ones + 1) + bits.read(ones + 1);
}
