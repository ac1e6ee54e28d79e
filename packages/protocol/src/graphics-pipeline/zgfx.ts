import { ProtocolError } from '../core/errors.js';

const PDU = 'RDP 8.0 bulk compression';

/** The history both ends keep (MS-RDPEGFX 3.1.9.1): 2,500,000 bytes, the most a match may reach back. */
export const ZGFX_HISTORY_SIZE = 2_500_000;
/** Most bytes one segment may decompress to (MS-RDPEGFX 2.2.5.1: longer data goes as MULTIPART segments). */
export const ZGFX_SEGMENT_MAX_OUTPUT = 65535;

/**
 * One token of the compressed stream (MS-RDPEGFX 3.1.9.1.1): a prefix code, MSB first, then either a literal
 * (given by the token, or the next 8 bits for the null-prefixed one) or a match whose distance is `base` plus the
 * next `distanceBits` bits.
 */
type Token =
  | { prefix: string; kind: 'literal8' }
  | { prefix: string; kind: 'literal'; value: number }
  | { prefix: string; kind: 'match'; distanceBits: number; base: number };

const TOKENS: readonly Token[] = [
  { prefix: '0', kind: 'literal8' },
  ...(
    [
      ['11000', 0x00],
      ['11001', 0x01],
      ['110100', 0x02],
      ['110101', 0x03],
      ['110110', 0xff],
      ['1101110', 0x04],
      ['1101111', 0x05],
      ['1110000', 0x06],
      ['1110001', 0x07],
      ['1110010', 0x08],
      ['1110011', 0x09],
      ['1110100', 0x0a],
      ['1110101', 0x0b],
      ['1110110', 0x3a],
      ['1110111', 0x3b],
      ['1111000', 0x3c],
      ['1111001', 0x3d],
      ['1111010', 0x3e],
      ['1111011', 0x3f],
      ['1111100', 0x40],
      ['1111101', 0x80],
      ['11111100', 0x0c],
      ['11111101', 0x38],
      ['11111110', 0x39],
      ['11111111', 0x66],
    ] as const
  ).map(([prefix, value]) => ({ prefix, kind: 'literal' as const, value })),
  ...(
    [
      ['10001', 5, 0],
      ['10010', 7, 32],
      ['10011', 9, 160],
      ['10100', 10, 672],
      ['10101', 12, 1696],
      ['101100', 14, 5792],
      ['101101', 15, 22176],
      ['1011100', 18, 54944],
      ['1011101', 20, 317088],
      ['10111100', 20, 1365664],
      ['10111101', 21, 2414240],
      ['101111100', 22, 4511392],
      ['101111101', 23, 8705696],
      ['101111110', 24, 17094304],
    ] as const
  ).map(([prefix, distanceBits, base]) => ({ prefix, kind: 'match' as const, distanceBits, base })),
];

/** The longest prefix: tokens are looked up by this many upcoming bits. */
const LOOKUP_BITS = 9;
/** For each value of the next {@link LOOKUP_BITS} bits, the token they start with (the code is prefix-free). */
const LOOKUP: readonly (Token | undefined)[] = (() => {
  const table = new Array<Token | undefined>(1 << LOOKUP_BITS);
  for (const token of TOKENS) {
    const free = LOOKUP_BITS - token.prefix.length;
    const first = Number.parseInt(token.prefix, 2) << free;
    for (let i = 0; i < 1 << free; i++) table[first + i] = token;
  }
  return table;
})();

/** Reads a segment's bits MSB first; the segment's last byte counts the unused bits of the one before it. */
class BitReader {
  private bit = 0;
  readonly length: number;

  constructor(private readonly data: Uint8Array) {
    if (data.length === 0) throw new ProtocolError('INVALID', 'empty compressed segment', PDU);
    const unused = data[data.length - 1];
    if (unused > 7) throw new ProtocolError('INVALID', `${unused} unused bits in a byte`, PDU);
    this.length = (data.length - 1) * 8 - unused;
    if (this.length < 0) throw new ProtocolError('INVALID', 'no data before the unused-bits count', PDU);
  }

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
      throw new ProtocolError('INVALID', `${count} bits wanted, ${this.remaining} left in the segment`, PDU);
    }
    const value = this.peek(count);
    this.bit += count;
    return value;
  }

  /** Takes `count` whole bytes from the next byte boundary on. */
  bytes(count: number): Uint8Array {
    this.bit = (this.bit + 7) & ~7;
    if (count * 8 > this.remaining) {
      throw new ProtocolError('INVALID', `${count} unencoded bytes wanted, ${this.remaining >> 3} left`, PDU);
    }
    const start = this.bit >> 3;
    this.bit += count * 8;
    return this.data.subarray(start, start + count);
  }
}

/**
 * The receiving end of RDP 8.0 bulk compression (ZGFX, MS-RDPEGFX 3.1.9.1) for one graphics channel: the history
 * that every segment, compressed or not, is appended to and that matches copy from. One per channel, fed the
 * segments in order.
 *
 * @example
 * ```ts
 * const history = new ZgfxHistory();
 * const pdus = decodeGfxPdus(decodeSegmentedData(message, maxLength, history));
 * ```
 */
export class ZgfxHistory {
  private readonly buffer = new Uint8Array(ZGFX_HISTORY_SIZE);
  /** Where the next byte goes. */
  private at = 0;
  /** Bytes held, up to the size: a match may not reach back further. */
  private held = 0;

  /** Appends an uncompressed segment's bytes, as the sender did. */
  append(bytes: Uint8Array): void {
    const tail = bytes.length > ZGFX_HISTORY_SIZE ? bytes.subarray(bytes.length - ZGFX_HISTORY_SIZE) : bytes;
    const first = Math.min(tail.length, ZGFX_HISTORY_SIZE - this.at);
    this.buffer.set(tail.subarray(0, first), this.at);
    this.buffer.set(tail.subarray(first), 0);
    this.at = (this.at + tail.length) % ZGFX_HISTORY_SIZE;
    this.held = Math.min(ZGFX_HISTORY_SIZE, this.held + tail.length);
  }

  /** Decompresses one PACKET_COMPRESSED segment's data (after its header byte) and appends what it yields. */
  decompress(data: Uint8Array): Uint8Array {
    const bits = new BitReader(data);
    const out = new Uint8Array(ZGFX_SEGMENT_MAX_OUTPUT);
    let length = 0;
    const emit = (byte: number) => {
      if (length === ZGFX_SEGMENT_MAX_OUTPUT) {
        throw new ProtocolError('OVERSIZE', `a segment decompresses past ${ZGFX_SEGMENT_MAX_OUTPUT} bytes`, PDU);
      }
      out[length++] = byte;
      this.push(byte);
    };
    while (bits.remaining > 0) {
      const token = LOOKUP[bits.peek(LOOKUP_BITS)];
      if (!token || token.prefix.length > bits.remaining) {
        throw new ProtocolError('INVALID', 'no token starts with the remaining bits', PDU);
      }
      bits.read(token.prefix.length);
      if (token.kind === 'literal8') {
        emit(bits.read(8));
        continue;
      }
      if (token.kind === 'literal') {
        emit(token.value);
        continue;
      }
      const distance = token.base + bits.read(token.distanceBits);
      if (distance === 0) {
        // An unencoded run: a 15-bit count, then that many bytes from the next byte boundary.
        for (const byte of bits.bytes(bits.read(15))) emit(byte);
        continue;
      }
      if (distance > this.held) {
        throw new ProtocolError('INVALID', `a match reaches back ${distance} bytes, ${this.held} are held`, PDU);
      }
      // The match's length: k ones and a zero, then k + 1 bits over 2^(k+1); no ones at all means 3.
      let ones = 0;
      while (bits.read(1) === 1) {
        ones++;
        if (ones > 15) throw new ProtocolError('INVALID', 'a match length of over 16 bits', PDU);
      }
      const count = ones === 0 ? 3 : 2 ** (ones + 1) + bits.read(ones + 1);
      // Byte by byte: a match may overlap what it writes (a run of one repeated pattern).
      let from = (this.at - distance + ZGFX_HISTORY_SIZE) % ZGFX_HISTORY_SIZE;
      for (let i = 0; i < count; i++) {
        emit(this.buffer[from]);
        from = from + 1 === ZGFX_HISTORY_SIZE ? 0 : from + 1;
      }
    }
    return out.subarray(0, length);
  }

  private push(byte: number): void {
    this.buffer[this.at] = byte;
    this.at = this.at + 1 === ZGFX_HISTORY_SIZE ? 0 : this.at + 1;
    if (this.held < ZGFX_HISTORY_SIZE) this.held++;
  }
}
