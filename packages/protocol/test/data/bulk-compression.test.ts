import { describe, expect, it } from 'vitest';
import { InfoFlag } from '../../src/connection/client-info.js';
import { ProtocolError } from '../../src/core/errors.js';
import {
  BulkCompressionFlag,
  clientDecodesMppc64k,
  MPPC_HISTORY_SIZE,
  MppcCompressor,
  MppcDecompressor,
} from '../../src/data/bulk-compression.js';
import { hex } from '../security/hex.js';
import { fuzz, prng } from './fuzz.js';

const { PACKET_COMPR_TYPE_64K, PACKET_COMPRESSED, PACKET_AT_FRONT, PACKET_FLUSHED } = BulkCompressionFlag;
/** What the first packet of a history says: start over at the front, compressed, 64 KB. */
const FIRST = PACKET_COMPR_TYPE_64K | PACKET_COMPRESSED | PACKET_AT_FRONT | PACKET_FLUSHED;
const ascii = (s: string) => new TextEncoder().encode(s);

describe('MPPC bulk compression (RDP 5.0, 64 KB history)', () => {
  it('codes literals and a copy as MS-RDPBCGR 3.1.8.4.2 lays them out', () => {
    // a, b, c as themselves (0 and seven bits), then copy-offset 3 (11111 000011) and length 6 (10 10).
    expect(new MppcCompressor().compress(ascii('abcabcabc'))).toEqual({ flags: FIRST, data: hex('61 62 63 f8 74') });
    // Bytes from 0x80 on are 10 and their low seven bits; length 3 is a single 0.
    expect(new MppcCompressor().compress(hex('80 81 82 80 81 82'))).toEqual({
      flags: FIRST,
      data: hex('80 40 60 5f 0c'),
    });
    expect(FIRST).toBe(0xe1);
  });

  it('matches against earlier packets, starts over at the front when the history is full', () => {
    const mppc = new MppcCompressor();
    const inflate = new MppcDecompressor();
    const line = ascii('the quick brown fox jumps over the lazy dog; '.repeat(40));
    const first = mppc.compress(line);
    expect(inflate.decompress(...args(first))).toEqual(line);
    const again = mppc.compress(line);
    expect(again.flags).toBe(PACKET_COMPR_TYPE_64K | PACKET_COMPRESSED);
    // The whole packet is one copy of the last: a few bytes.
    expect(again.data.length).toBeLessThan(8);
    expect(inflate.decompress(...args(again))).toEqual(line);
    const flagsSeen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const packet = mppc.compress(line);
      flagsSeen.add(packet.flags ?? 0);
      expect(inflate.decompress(...args(packet))).toEqual(line);
    }
    expect(flagsSeen).toContain(PACKET_COMPR_TYPE_64K | PACKET_COMPRESSED | PACKET_AT_FRONT);
  });

  it('sends what does not compress uncompressed and outside both histories, and tries it less often', () => {
    const mppc = new MppcCompressor();
    const inflate = new MppcDecompressor();
    const rand = prng(5);
    const noise = () => Uint8Array.from({ length: 4000 }, () => Math.floor(rand() * 256));
    const text = ascii('text that compresses, text that compresses, text that compresses');
    expect(inflate.decompress(...args(mppc.compress(text)))).toEqual(text);
    const raw = noise();
    expect(mppc.compress(raw)).toEqual({ data: raw });
    // The next packet goes untried, then the text again is a copy of the first packet: the history kept it.
    expect(mppc.compress(text)).toEqual({ data: text });
    const again = mppc.compress(text);
    expect(again.flags).toBe(PACKET_COMPR_TYPE_64K | PACKET_COMPRESSED);
    expect(again.data.length).toBeLessThan(10);
    expect(inflate.decompress(...args(again))).toEqual(text);
    // Noise after noise: untried for 2, 4, 8 ... packets, at most 16.
    const tried = () => {
      let n = 0;
      for (let i = 0; i < 400; i++) {
        const before = (mppc as unknown as { skip: number }).skip;
        mppc.compress(noise());
        if (before === 0) n++;
      }
      return n;
    };
    expect(tried()).toBeLessThan(30);
    expect(mppc.compress(new Uint8Array(MPPC_HISTORY_SIZE + 1)).flags).toBeUndefined();
    // A packet of a few orders says nothing of what follows: no back-off after it.
    const small = new MppcCompressor();
    expect(small.compress(hex('09 02 7f 00 00 14 00')).flags).toBeUndefined();
    expect(small.compress(text).flags).toBe(FIRST);
  });

  it('round-trips thousands of packets of mixed content against the decompressor', () => {
    const mppc = new MppcCompressor();
    const inflate = new MppcDecompressor();
    const rand = prng(17);
    const words = ['bitmap', 'tile', '0000', '\xff\xfe\x80', 'RDP', '        ', '\x00\x00\x00\x00'];
    let compressed = 0;
    let raw = 0;
    for (let n = 0; n < 2000; n++) {
      const kind = rand();
      const length = 1 + Math.floor(rand() * 3000);
      const packet = new Uint8Array(length);
      for (let i = 0; i < length; ) {
        if (kind < 0.1) packet[i++] = Math.floor(rand() * 256);
        else for (const c of words[Math.floor(rand() * words.length)]) if (i < length) packet[i++] = c.charCodeAt(0);
      }
      const sent = mppc.compress(packet);
      if (sent.flags === undefined) raw++;
      else compressed++;
      expect(inflate.decompress(...args(sent))).toEqual(packet);
    }
    expect(compressed).toBeGreaterThan(1200);
    expect(raw).toBeGreaterThan(0);
  });

  it('reads a match that reaches back past the front after PACKET_AT_FRONT from the end of the history', () => {
    const inflate = new MppcDecompressor();
    // 65533 bytes, then 'xyz' as literals: the history ends ...'xyz'.
    const filler = new MppcCompressor().compress(new Uint8Array(65533));
    inflate.decompress(...args(filler));
    expect(inflate.decompress(ascii('xyz'), PACKET_COMPR_TYPE_64K | PACKET_COMPRESSED)).toEqual(ascii('xyz'));
    // At the front: literal 'a', then copy-offset 4 (11111 000100) of length 3 (0), which starts at 65533: 'xyz'.
    // a = 0 1100001, then 11111 000100 0, padded: 0110 0001 1111 1000 1000 0000.
    expect(inflate.decompress(hex('61 f8 80'), PACKET_COMPR_TYPE_64K | PACKET_COMPRESSED | PACKET_AT_FRONT)).toEqual(
      ascii('axyz'),
    );
  });

  it('rejects what no compressor sends with a ProtocolError', () => {
    const inflate = new MppcDecompressor();
    // copy-offset 65535 + 2368 ('110' and 16 ones): past any history
    expect(() => inflate.decompress(hex('df ff e0'), FIRST)).toThrow(/copy-offset 67903 is outside the history/);
    expect(() => inflate.decompress(hex('61'), PACKET_COMPRESSED | 0x02)).toThrow(/compression type 2/);
    // a length code with too many ones
    expect(() => inflate.decompress(hex('61 62 63 f8 7f ff ff ff'), FIRST)).toThrow(ProtocolError);
    // A literal, then copy-offset 1 of length 8192 (12 ones, a zero, 13 bits): past the end of the history
    const long = new MppcDecompressor();
    const filler = new MppcCompressor().compress(new Uint8Array(60000));
    long.decompress(...args(filler));
    expect(() => long.decompress(hex('00 f8 3f fe 00 00'), PACKET_COMPRESSED | PACKET_COMPR_TYPE_64K)).toThrow(
      /decompresses past/,
    );
    const valid = new MppcCompressor().compress(ascii('abcabcabc abcabcabc abcabcabc'));
    const { rejected, accepted } = fuzz((bytes) => new MppcDecompressor().decompress(bytes, FIRST), [valid.data]);
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });

  it('is what a client that asked for bulk compression of type 64K or above decodes', () => {
    const asked = (type: number) => InfoFlag.COMPRESSION | (type << 9);
    expect(clientDecodesMppc64k(asked(0))).toBe(false);
    expect(clientDecodesMppc64k(asked(1))).toBe(true);
    expect(clientDecodesMppc64k(asked(3))).toBe(true);
    expect(clientDecodesMppc64k(3 << 9)).toBe(false);
  });
});

function args(packet: { flags?: number; data: Uint8Array }): [Uint8Array, number] {
  return [packet.data, packet.flags ?? 0];
}
