import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import {
  type BitmapData,
  BitmapDataFlags,
  bitmapUpdateLength,
  decodeBitmapUpdate,
  encodeBitmapUpdate,
  encodeFastPathBitmapPdus,
  packBitmapUpdates,
  writeBitmapUpdate,
} from '../../src/data/bitmap-update.js';
import {
  decodeFastPathOutputPdu,
  decodeFastPathUpdates,
  FASTPATH_MAX_PDU_SIZE,
} from '../../src/data/fastpath-output.js';
import { hex } from '../security/hex.js';
import { fuzz } from './fuzz.js';

const uncompressed: BitmapData = {
  destLeft: 0,
  destTop: 0,
  destRight: 1,
  destBottom: 0,
  width: 2,
  height: 1,
  bitsPerPixel: 16,
  flags: 0,
  data: hex('1f 00 e0 07'),
};

const withHeader: BitmapData = {
  destLeft: 64,
  destTop: 32,
  destRight: 127,
  destBottom: 95,
  width: 64,
  height: 64,
  bitsPerPixel: 24,
  flags: BitmapDataFlags.COMPRESSION,
  compressionHeader: { mainBodySize: 3, scanWidth: 64, uncompressedSize: 64 * 64 * 3 },
  data: hex('aa bb cc'),
};

const noHeader: BitmapData = {
  ...withHeader,
  bitsPerPixel: 32,
  flags: BitmapDataFlags.COMPRESSION | BitmapDataFlags.NO_COMPRESSION_HDR,
  compressionHeader: undefined,
  data: hex('10 20'),
};
delete noHeader.compressionHeader;

describe('TS_UPDATE_BITMAP_DATA', () => {
  it('encodes the annotated layout', () => {
    expect(encodeBitmapUpdate([uncompressed, withHeader])).toEqual(
      hex(
        [
          '01 00 02 00', // updateType BITMAP, numberRectangles 2
          '00 00 00 00 01 00 00 00 02 00 01 00 10 00 00 00 04 00', // bounds, 2x1, 16 bpp, flags 0, bitmapLength 4
          '1f 00 e0 07',
          '40 00 20 00 7f 00 5f 00 40 00 40 00 18 00 01 00 0b 00', // 64x64 at (64,32), 24 bpp, COMPRESSION, length 8 + 3
          '00 00 03 00 40 00 00 30', // TS_CD_HEADER: firstRow 0, mainBody 3, scanWidth 64, uncompressed 12288
          'aa bb cc',
        ].join(' '),
      ),
    );
  });

  it('round-trips all three data forms, with data as views', () => {
    const rects = [uncompressed, withHeader, noHeader];
    const bytes = encodeBitmapUpdate(rects);
    expect(bytes.length).toBe(bitmapUpdateLength(rects));
    const decoded = decodeBitmapUpdate(bytes);
    expect(decoded).toEqual(rects);
    expect(decoded[2].data.buffer).toBe(bytes.buffer);
  });

  it('writes into a caller buffer at an offset', () => {
    const target = new Uint8Array(100);
    const n = writeBitmapUpdate([uncompressed], target, 7);
    expect(n).toBe(4 + 18 + 4);
    expect(decodeBitmapUpdate(target.subarray(7, 7 + n))).toEqual([uncompressed]);
    expect(() => writeBitmapUpdate([uncompressed], new Uint8Array(10))).toThrow(ProtocolError);
  });

  it('rejects inconsistent input', () => {
    expect(() => encodeBitmapUpdate([{ ...withHeader, compressionHeader: undefined }])).toThrow(/compressionHeader/);
    expect(() => encodeBitmapUpdate([{ ...uncompressed, width: 70000 }])).toThrow(/width/);
    expect(() => decodeBitmapUpdate(hex('02 00 00 00'))).toThrow(/updateType/);
    expect(() => decodeBitmapUpdate(hex('01 00 05 00 00 00'))).toThrow(/TRUNCATED|needs/);
    // COMPRESSION with a bitmapLength too short for TS_CD_HEADER
    expect(() =>
      decodeBitmapUpdate(hex('01 00 01 00 00 00 00 00 00 00 00 00 01 00 01 00 10 00 01 00 04 00 00 00 00 00')),
    ).toThrow(/TS_CD_HEADER/);
  });

  it('packs rectangles into updates under a size limit', () => {
    const rects = Array.from({ length: 10 }, () => uncompressed); // 22 bytes each
    const groups = packBitmapUpdates(rects, 4 + 22 * 4);
    expect(groups.map((g) => g.length)).toEqual([4, 4, 2]);
    for (const g of groups) expect(bitmapUpdateLength(g)).toBeLessThanOrEqual(4 + 22 * 4);
    expect(() => packBitmapUpdates([withHeader], 20)).toThrow(expect.objectContaining({ code: 'OVERSIZE' }));
    expect(packBitmapUpdates([], 100)).toEqual([]);
  });

  it('writes whole fast-path BITMAP PDUs directly, each within one PDU', () => {
    const big: BitmapData = { ...uncompressed, width: 64, height: 32, data: new Uint8Array(64 * 32 * 4).fill(3) };
    const rects = [uncompressed, big, withHeader, big, noHeader];
    const pdus = encodeFastPathBitmapPdus(rects, { maxRequestSize: 0x3f80 });
    expect(pdus).toHaveLength(2);
    const decoded = pdus.flatMap((pdu) => {
      expect(pdu.length).toBeLessThanOrEqual(FASTPATH_MAX_PDU_SIZE);
      const [update] = decodeFastPathUpdates(decodeFastPathOutputPdu(pdu).updates);
      expect(update).toMatchObject({ code: 1, fragmentation: 0 });
      return decodeBitmapUpdate(update.data);
    });
    expect(decoded).toEqual(rects);
    const huge = { ...big, height: 64, data: new Uint8Array(64 * 64 * 4) };
    expect(() => encodeFastPathBitmapPdus([huge], { maxRequestSize: 0x3f80 })).toThrow(
      expect.objectContaining({ code: 'OVERSIZE' }),
    );
  });

  it('survives fuzzing with only ProtocolErrors', () => {
    const valid = [encodeBitmapUpdate([uncompressed, withHeader, noHeader]), encodeBitmapUpdate([])];
    expect(fuzz(decodeBitmapUpdate, valid, { seed: 31 }).rejected).toBeGreaterThan(0);
  });
});
