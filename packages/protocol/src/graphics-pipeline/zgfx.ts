import { BitReader, BitWriter, readMatchLength, writeMatchLength } from '../core/bit-stream.js';
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

/** A segment's bits: its last byte counts the unused bits of the one before it. */
function segmentBits(data: Uint8Array): BitReader {
  if (data.length === 0) throw new ProtocolError('INVALID', 'empty compressed segment', PDU);
  const unused = data[data.length - 1];
  if (unused > 7) throw new ProtocolError('INVALID', `${unused} unused bits in a byte`, PDU);
  const length = (data.length - 1) * 8 - unused;
  if (length < 0) throw new ProtocolError('INVALID', 'no data before the unused-bits count', PDU);
  return new BitReader(data, length, PDU);
}

/** The 2,500,000 bytes both ends keep, the newest overwriting the oldest. */
class HistoryRing {
  readonly buffer = new Uint8Array(ZGFX_HISTORY_SIZE);
  /** Where the next byte goes. */
  at = 0;
  /** Bytes that went in since the start: the next byte's position in the stream. */
  written = 0;

  /** Bytes held, up to the size: a match may not reach back further. */
  get held(): number {
    return Math.min(this.written, ZGFX_HISTORY_SIZE);
  }

  append(bytes: Uint8Array): void {
    const tail = bytes.length > ZGFX_HISTORY_SIZE ? bytes.subarray(bytes.length - ZGFX_HISTORY_SIZE) : bytes;
    const first = Math.min(tail.length, ZGFX_HISTORY_SIZE - this.at);
    this.buffer.set(tail.subarray(0, first), this.at);
    this.buffer.set(tail.subarray(first), 0);
    this.at = (this.at + tail.length) % ZGFX_HISTORY_SIZE;
    this.written += bytes.length;
  }

  push(byte: number): void {
    this.buffer[this.at] = byte;
    this.at = this.at + 1 === ZGFX_HISTORY_SIZE ? 0 : this.at + 1;
    this.written++;
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
  private readonly ring = new HistoryRing();

  /** Appends an uncompressed segment's bytes, as the sender did. */
  append(bytes: Uint8Array): void {
    this.ring.append(bytes);
  }

  /** Decompresses one PACKET_COMPRESSED segment's data (after its header byte) and appends what it yields. */
  decompress(data: Uint8Array): Uint8Array {
    const bits = segmentBits(data);
    const ring = this.ring;
    const out = new Uint8Array(ZGFX_SEGMENT_MAX_OUTPUT);
    let length = 0;
    const emit = (byte: number) => {
      if (length === ZGFX_SEGMENT_MAX_OUTPUT) {
        throw new ProtocolError('OVERSIZE', `a segment decompresses past ${ZGFX_SEGMENT_MAX_OUTPUT} bytes`, PDU);
      }
      out[length++] = byte;
      ring.push(byte);
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
      if (distance > ring.held) {
        throw new ProtocolError('INVALID', `a match reaches back ${distance} bytes, ${ring.held} are held`, PDU);
      }
      const count = readMatchLength(bits, 15, PDU);
      // Byte by byte: a match may overlap what it writes (a run of one repeated pattern).
      let from = (ring.at - distance + ZGFX_HISTORY_SIZE) % ZGFX_HISTORY_SIZE;
      for (let i = 0; i < count; i++) {
        emit(ring.buffer[from]);
        from = from + 1 === ZGFX_HISTORY_SIZE ? 0 : from + 1;
      }
    }
    return out.subarray(0, length);
  }
}

/** The distance tokens by the largest distance each codes: a match takes the first that reaches. */
const DISTANCE_TOKENS = TOKENS.flatMap((t) =>
  t.kind === 'match'
    ? [
        {
          code: Number.parseInt(t.prefix, 2),
          codeBits: t.prefix.length,
          bits: t.distanceBits,
          base: t.base,
          last: t.base + 2 ** t.distanceBits - 1,
        },
      ]
    : [],
);
/**
 * Each byte's literal as one code: the table's token where it has one, else the null prefix 0 and the 8 bits
 * (which is the byte itself in 9 bits).
 */
const LITERAL_CODE = new Uint16Array(256).map((_, byte) => byte);
const LITERAL_BITS = new Uint8Array(256).fill(9);
for (const t of TOKENS) {
  if (t.kind !== 'literal') continue;
  LITERAL_CODE[t.value] = Number.parseInt(t.prefix, 2);
  LITERAL_BITS[t.value] = t.prefix.length;
}
/** Shortest match worth a token (a 3-byte match costs at most 14 bits against 27 for three literals). */
const MIN_MATCH = 3;
/** How far behind the raw bytes the compressed bits may fall before the segment goes raw. */
const GIVE_UP_BITS = 1024;
/** Positions remembered per 3-byte hash: the newest only, so a lookup is one probe. */
const HASH_BITS = 16;

/**
 * The sending end of RDP 8.0 bulk compression for one graphics channel: the same history {@link ZgfxHistory}
 * keeps on the other end, and a greedy LZ77 over it (one probe per position, the newest earlier place with the
 * same three bytes). Segments go compressed only where that is smaller; either way they enter the history.
 *
 * @example
 * ```ts
 * const compressor = new ZgfxCompressor();
 * channel.send(encodeSegmentedData(encodeGfxPdus(pdus), compressor));
 * ```
 */
export class ZgfxCompressor {
  private readonly ring = new HistoryRing();
  /** For each hash of three bytes, 1 + the position of the newest place they started at (0: none). */
  private readonly newest = new Float64Array(1 << HASH_BITS);

  /**
   * One segment's data (at most {@link ZGFX_SEGMENT_MAX_OUTPUT} bytes) compressed, or undefined where that would
   * not be smaller (send it uncompressed: it is in the history either way).
   */
  compress(data: Uint8Array): Uint8Array | undefined {
    if (data.length > ZGFX_SEGMENT_MAX_OUTPUT) {
      throw new ProtocolError('OVERSIZE', `a segment of ${data.length} bytes`, PDU);
    }
    const start = this.ring.written;
    this.ring.append(data);
    // Only places the receiver still holds once this segment is in: it overwrote the oldest bytes as it went.
    const oldest = Math.max(0, start + data.length - ZGFX_HISTORY_SIZE);
    const bits = new BitWriter(data.length + 16);
    let i = 0;
    while (i < data.length) {
      const length = i + MIN_MATCH <= data.length ? this.longestAt(data, i, start, oldest) : 0;
      if (length > 0) {
        this.writeMatch(bits, this.matchDistance, length);
        i += length;
      } else {
        bits.write(LITERAL_CODE[data[i]], LITERAL_BITS[data[i]]);
        i++;
      }
      // Behind the raw bytes by more than this after any stretch: data that does not compress (H.264, noise)
      // costs a kilobyte's scan, not the whole segment's.
      if (bits.length > i * 8 + GIVE_UP_BITS) return undefined;
    }
    // The last byte counts the unused bits of the one before it.
    const unused = (8 - (bits.length & 7)) & 7;
    const out = bits.finish(1);
    out[out.length - 1] = unused;
    return out.length < data.length ? out : undefined;
  }

  /** Adds data sent uncompressed without looking for matches in it (H.264: it does not compress). */
  pass(data: Uint8Array): void {
    if (data.length > ZGFX_SEGMENT_MAX_OUTPUT) {
      throw new ProtocolError('OVERSIZE', `a segment of ${data.length} bytes`, PDU);
    }
    this.ring.append(data);
  }

  /** The distance of the match {@link longestAt} found last. */
  private matchDistance = 0;

  /**
   * The length of the match at data[i] (position start + i) against earlier places, 0 for none (its distance in
   * {@link matchDistance}); remembers this place.
   */
  private longestAt(data: Uint8Array, i: number, start: number, oldest: number): number {
    const h = (Math.imul((data[i] << 16) | (data[i + 1] << 8) | data[i + 2], 0x9e3779b1) >>> (32 - HASH_BITS)) >>> 0;
    const candidate = this.newest[h] - 1;
    const position = start + i;
    this.newest[h] = position + 1;
    if (candidate < oldest || candidate >= position) return 0;
    const limit = data.length - i;
    const from = candidate % ZGFX_HISTORY_SIZE;
    let length = 0;
    // Straight through the buffer unless the earlier place runs into its end (then position by position).
    const buffer = this.ring.buffer;
    if (from + limit <= ZGFX_HISTORY_SIZE) {
      while (length < limit && buffer[from + length] === data[i + length]) length++;
    } else {
      while (length < limit && buffer[(candidate + length) % ZGFX_HISTORY_SIZE] === data[i + length]) length++;
    }
    if (length < MIN_MATCH) return 0;
    this.matchDistance = position - candidate;
    return length;
  }

  private writeMatch(bits: BitWriter, distance: number, length: number): void {
    let t = 0;
    while (distance > DISTANCE_TOKENS[t].last) t++;
    const token = DISTANCE_TOKENS[t];
    bits.write(token.code, token.codeBits);
    bits.write(distance - token.base, token.bits);
    writeMatchLength(bits, length);
  }
}
