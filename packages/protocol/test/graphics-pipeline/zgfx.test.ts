import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import { decodeSegmentedData, encodeSegmentedData } from '../../src/graphics-pipeline/segmented-data.js';
import { ZGFX_SEGMENT_MAX_OUTPUT, ZgfxCompressor, ZgfxHistory } from '../../src/graphics-pipeline/zgfx.js';
import { hex } from '../security/hex.js';

/**
 * A compressed segment's data from its bits, written MSB first as MS-RDPEGFX 3.1.9.1 reads them (spaces ignored):
 * the packed bytes, then the count of unused bits in the last one.
 */
function segmentOf(bits: string): Uint8Array {
  const clean = bits.replace(/\s/g, '');
  const bytes = new Uint8Array(Math.ceil(clean.length / 8) + 1);
  for (let i = 0; i < clean.length; i++) if (clean[i] === '1') bytes[i >> 3] |= 0x80 >> (i & 7);
  bytes[bytes.length - 1] = (8 - (clean.length % 8)) % 8;
  return bytes;
}
const binary = (value: number, width: number) => value.toString(2).padStart(width, '0');
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('RDP 8.0 bulk decompression (ZGFX)', () => {
  it('reads literals: 0 and 8 bits for any byte, and the table tokens for frequent ones', () => {
    // 0x65 after the null prefix, then the tokens of 0x01 (11001), 0xFF (110110) and 0x66 (11111111).
    const out = new ZgfxHistory().decompress(segmentOf(`0 ${binary(0x65, 8)} 11001 110110 11111111`));
    expect([...out]).toEqual([0x65, 0x01, 0xff, 0x66]);
  });

  it('copies a match that overlaps what it writes: "ABC" then distance 3, length 57', () => {
    const literals = ['A', 'B', 'C'].map((c) => `0 ${binary(c.charCodeAt(0), 8)}`).join(' ');
    // Distance 3: token 10001 (5 bits over 0). Length 57 = 2^5 + 25: four ones, a zero, then 25 in 5 bits.
    const match = `10001 ${binary(3, 5)} 11110 ${binary(25, 5)}`;
    expect(text(new ZgfxHistory().decompress(segmentOf(`${literals} ${match}`)))).toBe('ABC'.repeat(20));
  });

  it('takes the shortest match length (no ones: 3) and distances from the larger tokens', () => {
    const history = new ZgfxHistory();
    const filler = new Uint8Array(1000).map((_, i) => i & 0xff);
    history.append(filler);
    // Distance 1000 = 672 + 328: token 10100 with 10 bits; length 3.
    const out = history.decompress(segmentOf(`10100 ${binary(1000 - 672, 10)} 0`));
    expect([...out]).toEqual([0, 1, 2]);
  });

  it('copies an unencoded run (distance 0) from the next byte boundary', () => {
    const run = 'The quick brown fox';
    // 10001 00000: distance 0; a 15-bit count; then padding to the byte boundary and the bytes themselves.
    const head = `10001 00000 ${binary(run.length, 15)}`;
    const padded = head.replace(/\s/g, '').padEnd(Math.ceil(head.replace(/\s/g, '').length / 8) * 8, '0');
    const bits = padded + [...run].map((c) => binary(c.charCodeAt(0), 8)).join('');
    expect(text(new ZgfxHistory().decompress(segmentOf(bits)))).toBe(run);
  });

  it('decodes a published multipart example: two uncompressed segments, then one that matches into them', () => {
    const message = hex(
      'e1 0300 2b000000' +
        ' 11000000 04 54 68 65 20 71 75 69 63 6b 20 62 72 6f 77 6e 20' +
        ' 0e000000 04 66 6f 78 20 6a 75 6d 70 73 20 6f 76 65' +
        ' 10000000 24 39 08 0e 91 f8 d8 61 3d 1e 44 06 43 79 9c 02',
    );
    expect(text(decodeSegmentedData(message, 1000, new ZgfxHistory()))).toBe(
      'The quick brown fox jumps over the lazy dog',
    );
    // Without a history the compressed segment is refused, as before.
    expect(() => decodeSegmentedData(message, 1000)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });

  it('keeps the history across messages: a later match reaches into an earlier message', () => {
    const history = new ZgfxHistory();
    expect(text(decodeSegmentedData(hex('e0 04 68 65 6c 6c 6f'), 100, history))).toBe('hello');
    const single = new Uint8Array([0xe0, 0x24, ...segmentOf(`10001 ${binary(5, 5)} 10 ${binary(1, 2)}`)]);
    expect(text(decodeSegmentedData(single, 100, history))).toBe('hello');
  });

  it('wraps the history at 2,500,000 bytes: a match reaches across the seam, data longer than it keeps its end', () => {
    const history = new ZgfxHistory();
    history.append(new Uint8Array(2_499_998));
    history.append(new Uint8Array([0x61, 0x62, 0x63, 0x64]));
    expect(text(history.decompress(segmentOf(`10001 ${binary(4, 5)} 10 ${binary(0, 2)}`)))).toBe('abcd');
    const longer = new Uint8Array(2_500_003);
    longer.set([0x77, 0x78, 0x79], 2_500_000);
    history.append(longer);
    expect(text(history.decompress(segmentOf(`10001 ${binary(3, 5)} 0`)))).toBe('wxy');
  });

  it('refuses a match before the start of the history, too many unused bits and an unknown prefix', () => {
    expect(() => new ZgfxHistory().decompress(segmentOf(`10001 ${binary(4, 5)} 0`))).toThrow(
      expect.objectContaining({ code: 'INVALID', message: expect.stringContaining('reaches back 4 bytes') }),
    );
    expect(() => new ZgfxHistory().decompress(new Uint8Array([0x12, 8]))).toThrow(ProtocolError);
    // 101111111 is no token.
    expect(() => new ZgfxHistory().decompress(segmentOf('101111111 0000000'))).toThrow(
      expect.objectContaining({ code: 'INVALID' }),
    );
    // A literal cut short: the null prefix and 3 of its 8 bits.
    expect(() => new ZgfxHistory().decompress(segmentOf('0101'))).toThrow(expect.objectContaining({ code: 'INVALID' }));
  });

  it('refuses a segment that would decompress past 65535 bytes, however small it is', () => {
    const history = new ZgfxHistory();
    history.append(new Uint8Array([7]));
    // Distance 1, length 2^16 + 0 (fifteen ones, a zero, 16 zero bits): a 6-byte bomb.
    const bomb = segmentOf(`10001 ${binary(1, 5)} ${'1'.repeat(15)}0 ${'0'.repeat(16)}`);
    expect(bomb.length).toBeLessThan(8);
    expect(() => history.decompress(bomb)).toThrow(
      expect.objectContaining({ code: 'OVERSIZE', message: expect.stringContaining(String(ZGFX_SEGMENT_MAX_OUTPUT)) }),
    );
  });

  it('ends random compressed segments in ProtocolError or at most 65535 bytes, never anything else', () => {
    let seed = 42;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const history = new ZgfxHistory();
    history.append(new Uint8Array(4096).map((_, i) => i * 7));
    let decoded = 0;
    for (let n = 0; n < 3000; n++) {
      const data = new Uint8Array(1 + Math.floor(rand() * 64)).map(() => Math.floor(rand() * 256));
      data[data.length - 1] &= 7;
      try {
        expect(history.decompress(data).length).toBeLessThanOrEqual(ZGFX_SEGMENT_MAX_OUTPUT);
        decoded++;
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});

describe('RDP 8.0 bulk compression (ZgfxCompressor)', () => {
  it('writes literals and an overlapping match as the decoder reads them, bit for bit', () => {
    const literals = ['A', 'B', 'C'].map((c) => `0 ${binary(c.charCodeAt(0), 8)}`).join(' ');
    const expected = segmentOf(`${literals} 10001 ${binary(3, 5)} 11110 ${binary(25, 5)}`);
    expect(new ZgfxCompressor().compress(Buffer.from('ABC'.repeat(20)))).toEqual(expected);
  });

  it('round-trips 3 MB of messages through the history and its wrap: compressed where smaller, raw where not', () => {
    let seed = 7;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    const rows = Array.from({ length: 16 }, (_, r) => new Uint8Array(256).map((_, i) => (i * (r + 3)) & 0xff));
    const compressor = new ZgfxCompressor();
    const history = new ZgfxHistory();
    let sent = 0;
    let total = 0;
    const kinds = { compressed: 0, raw: 0 };
    for (let n = 0; total < 3_000_000; n++) {
      const size = n % 7 === 0 ? 70_000 + (rand() % 50_000) : 1 + (rand() % 60_000);
      const data = new Uint8Array(size);
      if (n % 5 === 0) {
        for (let i = 0; i < size; i++) data[i] = rand() & 0xff;
      } else {
        // Rows of a few patterns, as planar tiles of a desktop: they recur within and across messages.
        for (let at = 0; at < size; at += 256) data.set(rows[rand() % rows.length].subarray(0, size - at), at);
      }
      const message = encodeSegmentedData(data, compressor);
      const headers =
        message[0] === 0xe0 ? [message[1]] : Array.from({ length: message[1] | (message[2] << 8) }, () => 0);
      if (message[0] === 0xe0) kinds[headers[0] & 0x20 ? 'compressed' : 'raw']++;
      expect(Buffer.compare(decodeSegmentedData(message, 200_000, history), data)).toBe(0);
      sent += message.length;
      total += size;
    }
    expect(kinds.compressed).toBeGreaterThan(0);
    expect(kinds.raw).toBeGreaterThan(0);
    expect(sent).toBeLessThan(total * 0.5);
  });
});
