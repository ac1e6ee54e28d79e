import { InfoFlag } from '../connection/client-info.js';
import { BitReader, BitWriter, readMatchLength, writeMatchLength } from '../core/bit-stream.js';
import { ProtocolError } from '../core/errors.js';

const PDU = 'MPPC bulk compression';

/** compressionFlags of a compressed packet (MS-RDPBCGR 3.1.8.2.1): the type in the low nibble, then the flags. */
export const BulkCompressionFlag = {
  /** PACKET_COMPR_TYPE_64K: RDP 5.0 MPPC with a 64 KB history. */
  PACKET_COMPR_TYPE_64K: 0x01,
  PACKET_COMPRESSED: 0x20,
  PACKET_AT_FRONT: 0x40,
  PACKET_FLUSHED: 0x80,
} as const;

/** CompressionTypeMask of TS_INFO_PACKET.flags (bits 9 to 12): the highest bulk compression the client decodes. */
export const COMPRESSION_TYPE_MASK = 0x1e00;
const COMPRESSION_TYPE_SHIFT = 9;
const TYPE_MASK = 0x0f;

/** The history both ends keep for PACKET_COMPR_TYPE_64K. */
export const MPPC_HISTORY_SIZE = 65536;
const HISTORY_MASK = MPPC_HISTORY_SIZE - 1;
const MIN_MATCH = 3;
const HASH_BITS = 15;
/** How far the bits may fall behind the raw bytes before the packet goes as it is. */
const GIVE_UP_BITS = 512;
/** A packet compressed to more than this fraction of its size was hardly worth the work. */
const POOR_RATIO = 0.9;
/** Packets shorter than this say nothing of the content's worth compressing. */
const MIN_JUDGED = 1024;
/** The most packets sent untried after poor results in a row. */
const MAX_BACKOFF = 16;
/** A match length's code has at most 14 ones (lengths below 65536). */
const MAX_LENGTH_ONES = 14;

/** Copy-offset codes (MS-RDPBCGR 3.1.8.4.2.2.1): prefix, its bits, the offset's bits and the smallest offset. */
const OFFSET_CODES = [
  { prefix: 0b11111, prefixBits: 5, bits: 6, base: 0 },
  { prefix: 0b11110, prefixBits: 5, bits: 8, base: 64 },
  { prefix: 0b1110, prefixBits: 4, bits: 11, base: 320 },
  { prefix: 0b110, prefixBits: 3, bits: 16, base: 2368 },
] as const;

/** TS_INFO_PACKET flags that offer bulk compression up to `type` (PACKET_COMPR_TYPE_64K: MPPC with 64 KB). */
export function compressionInfoFlags(type: number): number {
  return InfoFlag.COMPRESSION | ((type << COMPRESSION_TYPE_SHIFT) & COMPRESSION_TYPE_MASK);
}

/** Whether a client's TS_INFO_PACKET flags let the server send PACKET_COMPR_TYPE_64K (it decodes that or more). */
export function clientDecodesMppc64k(infoFlags: number): boolean {
  if ((infoFlags & InfoFlag.COMPRESSION) === 0) return false;
  return (infoFlags & COMPRESSION_TYPE_MASK) >> COMPRESSION_TYPE_SHIFT >= BulkCompressionFlag.PACKET_COMPR_TYPE_64K;
}

/**
 * The sending end of RDP 5.0 bulk compression (MPPC, PACKET_COMPR_TYPE_64K, MS-RDPBCGR 3.1.8.4.2) for one
 * connection: a greedy LZ77 over the 64 KB history the client keeps (one probe per position, the newest earlier
 * place with the same three bytes). A packet goes compressed only where that is smaller; otherwise it goes
 * without compression flags, and neither end adds it to its history. A packet that would not fit behind the
 * history's end starts it over at the front (PACKET_AT_FRONT). Content that hardly compresses (noise, pictures)
 * is not tried again for a while, twice as long each time, up to 16 packets: measured on a
 * moving box over grain, always trying cost half again the sharer CPU for 11 % fewer bytes.
 *
 * @example
 * ```ts
 * const mppc = new MppcCompressor();
 * const { flags, data } = mppc.compress(updateData); // flags (when set) go in the update's compressionFlags
 * ```
 */
export class MppcCompressor {
  private readonly history = new Uint8Array(MPPC_HISTORY_SIZE);
  private offset = 0;
  /** The history holds nothing the client holds: the next compressed packet tells it to start over. */
  private flushed = true;
  /** For each hash of three bytes, 1 + the newest position (counted over every history since the first). */
  private readonly newest = new Float64Array(1 << HASH_BITS);
  /** Where the current history starts in that count: older entries of {@link newest} are stale. */
  private epoch = 0;
  /** Packets still to send without trying, and how many the next poor result skips. */
  private skip = 0;
  private backoff = 0;

  /** Forgets the history; the next compressed packet goes with PACKET_FLUSHED. */
  reset(): void {
    this.startOver();
    this.flushed = true;
  }

  /**
   * One packet's data compressed with the compressionFlags to send it with, or as it is with none (flags
   * undefined: send it without compression, as the client then leaves its history alone).
   */
  compress(data: Uint8Array): { flags?: number; data: Uint8Array } {
    if (data.length > MPPC_HISTORY_SIZE) return { data };
    if (this.skip > 0) {
      this.skip--;
      return { data };
    }
    const before = { offset: this.offset, epoch: this.epoch, flushed: this.flushed };
    let flags: number = BulkCompressionFlag.PACKET_COMPR_TYPE_64K | BulkCompressionFlag.PACKET_COMPRESSED;
    if (this.flushed) flags |= BulkCompressionFlag.PACKET_FLUSHED | BulkCompressionFlag.PACKET_AT_FRONT;
    else if (this.offset + data.length > MPPC_HISTORY_SIZE) {
      this.startOver();
      flags |= BulkCompressionFlag.PACKET_AT_FRONT;
    }
    this.flushed = false;
    const out = this.encode(data);
    if (!out || out.length >= data.length) {
      // Undone: the client never sees this packet in its history, so neither may this end.
      this.offset = before.offset;
      this.epoch = before.epoch;
      this.flushed = before.flushed;
      this.judge(data.length, false);
      return { data };
    }
    this.judge(data.length, out.length <= data.length * POOR_RATIO);
    return { flags, data: out };
  }

  /** Codes `data` into the history at its end; undefined when the bits fall too far behind the bytes. */
  private encode(data: Uint8Array): Uint8Array | undefined {
    const start = this.offset;
    this.history.set(data, start);
    this.offset += data.length;
    const bits = new BitWriter(data.length + 8);
    for (let i = start; i < this.offset; ) {
      const length = i + MIN_MATCH <= this.offset ? this.longestAt(i) : 0;
      if (length > 0) {
        this.writeOffset(bits, i - this.matchFrom);
        writeMatchLength(bits, length);
        i += length;
      } else {
        const byte = this.history[i];
        // Below 0x80 the byte itself; from 0x80 on, 10 and its low seven bits.
        if (byte < 0x80) bits.write(byte, 8);
        else bits.write(0x100 | (byte & 0x7f), 9);
        i++;
      }
      // Behind the raw bytes after any stretch: data that does not compress costs a short scan, not a whole one.
      if (bits.length > (i - start) * 8 + GIVE_UP_BITS) return undefined;
    }
    return bits.finish();
  }

  /** Backs off after a poor result for a packet large enough to tell (a few orders never compress much). */
  private judge(length: number, worthIt: boolean): void {
    if (length < MIN_JUDGED) return;
    if (worthIt) {
      this.backoff = 0;
      return;
    }
    this.backoff = Math.min(MAX_BACKOFF, Math.max(1, this.backoff * 2));
    this.skip = this.backoff;
  }

  private startOver(): void {
    this.epoch += this.offset + 1;
    this.offset = 0;
  }

  /** Where the match {@link longestAt} found last starts. */
  private matchFrom = 0;

  /** The length of the match at history[i] against an earlier place, 0 for none; remembers this place. */
  private longestAt(i: number): number {
    const h = this.history;
    const hash = (Math.imul((h[i] << 16) | (h[i + 1] << 8) | h[i + 2], 0x9e3779b1) >>> (32 - HASH_BITS)) >>> 0;
    const candidate = this.newest[hash] - 1 - this.epoch;
    this.newest[hash] = this.epoch + i + 1;
    if (candidate < 0 || candidate >= i) return 0;
    const limit = Math.min(this.offset - i, MPPC_HISTORY_SIZE - 1);
    let length = 0;
    // The client copies byte by byte, so a match may run into the bytes it writes.
    while (length < limit && h[candidate + length] === h[i + length]) length++;
    if (length < MIN_MATCH) return 0;
    this.matchFrom = candidate;
    return length;
  }

  private writeOffset(bits: BitWriter, offset: number): void {
    let c = 0;
    while (c < OFFSET_CODES.length - 1 && offset >= OFFSET_CODES[c + 1].base) c++;
    const code = OFFSET_CODES[c];
    bits.write(code.prefix, code.prefixBits);
    bits.write(offset - code.base, code.bits);
  }
}

/**
 * The receiving end of {@link MppcCompressor}: the client's 64 KB history, as the viewer keeps it for a server
 * that compresses. Each packet's compressionFlags say whether it starts over (PACKET_FLUSHED clears the history,
 * PACKET_AT_FRONT only moves the write position to its start) and whether it is compressed.
 */
export class MppcDecompressor {
  private readonly history = new Uint8Array(MPPC_HISTORY_SIZE);
  private offset = 0;

  /** The packet's bytes as sent before compression (a view of the history for a compressed packet). */
  decompress(data: Uint8Array, flags: number): Uint8Array {
    if (flags & BulkCompressionFlag.PACKET_FLUSHED) {
      this.history.fill(0);
      this.offset = 0;
    }
    if (flags & BulkCompressionFlag.PACKET_AT_FRONT) this.offset = 0;
    if (!(flags & BulkCompressionFlag.PACKET_COMPRESSED)) return data;
    if ((flags & TYPE_MASK) !== BulkCompressionFlag.PACKET_COMPR_TYPE_64K) {
      throw new ProtocolError('UNSUPPORTED', `compression type ${flags & TYPE_MASK}`, PDU);
    }
    const start = this.offset;
    const h = this.history;
    const bits = new BitReader(data, data.length * 8, PDU);
    const room = (n: number) => {
      if (this.offset + n > MPPC_HISTORY_SIZE) {
        throw new ProtocolError('OVERSIZE', `a packet decompresses past the ${MPPC_HISTORY_SIZE}-byte history`, PDU);
      }
    };
    // Padding is under a byte: a token takes at least eight bits.
    while (bits.remaining >= 8) {
      if (bits.peek(1) === 0) {
        room(1);
        h[this.offset++] = bits.read(8);
        continue;
      }
      if (bits.peek(2) === 0b10) {
        room(1);
        h[this.offset++] = 0x80 | (bits.read(9) & 0x7f);
        continue;
      }
      const code = OFFSET_CODES.find((c) => bits.peek(c.prefixBits) === c.prefix);
      if (!code) throw new ProtocolError('INVALID', 'no copy-offset code starts with these bits', PDU);
      bits.read(code.prefixBits);
      const offset = code.base + bits.read(code.bits);
      const length = readMatchLength(bits, MAX_LENGTH_ONES, PDU);
      if (offset === 0 || offset >= MPPC_HISTORY_SIZE) {
        throw new ProtocolError('INVALID', `copy-offset ${offset} is outside the history`, PDU);
      }
      room(length);
      // The history is a ring for the reader: after PACKET_AT_FRONT a match may reach back past the front into
      // what the previous pass left at the end (FreeRDP's compressor sends such matches).
      for (let n = 0, from = (this.offset - offset) & HISTORY_MASK; n < length; n++, this.offset++) {
        h[this.offset] = h[from];
        from = (from + 1) & HISTORY_MASK;
      }
    }
    return h.subarray(start, this.offset);
  }
}
