import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import {
  decodeAvc420BitmapStream,
  encodeAvc420BitmapStream,
} from '../../src/graphics-pipeline/avc420-bitmap-stream.js';
import { decodeSegmentedData, encodeSegmentedData } from '../../src/graphics-pipeline/segmented-data.js';
import { hex } from '../security/hex.js';

describe('RDP_SEGMENTED_DATA (uncompressed)', () => {
  it('wraps a short message as one SINGLE segment: descriptor 0xE0, RDP8 header 0x04 (PACKET_COMPRESSED clear)', () => {
    expect(Buffer.from(encodeSegmentedData(hex('01 02 03'))).toString('hex')).toBe('e004010203');
    expect(decodeSegmentedData(hex('e0 04 01 02 03'), 100)).toEqual(hex('01 02 03'));
  });

  it('splits a long message into MULTIPART segments of at most 65535 bytes', () => {
    const data = new Uint8Array(150_000).map((_, i) => i & 0xff);
    const wrapped = encodeSegmentedData(data);
    expect(Buffer.from(wrapped.subarray(0, 12)).toString('hex')).toBe('e10300f0490200' + '00000100' + '04');
    expect(wrapped.length).toBe(7 + 3 * 5 + data.length);
    expect(decodeSegmentedData(wrapped, 200_000)).toEqual(data);
    expect(() => decodeSegmentedData(wrapped, 100_000)).toThrow(ProtocolError);
  });

  it('refuses compressed segments and other descriptors', () => {
    expect(() => decodeSegmentedData(hex('e0 24 01'), 100)).toThrow(/compressed/);
    expect(() => decodeSegmentedData(hex('e2 04 01'), 100)).toThrow(ProtocolError);
  });
});

describe('RDPGFX_AVC420_BITMAP_STREAM', () => {
  it('writes the metablock (count, rects, qp|progressive, quality) before the bitstream', () => {
    const stream = {
      regionRects: [{ left: 0, top: 0, right: 64, bottom: 32 }],
      quantQualityVals: [{ qp: 22, progressive: false, qualityVal: 100 }],
      bitstream: hex('00 00 00 01 67'),
    };
    const bytes = encodeAvc420BitmapStream(stream);
    expect(Buffer.from(bytes).toString('hex')).toBe('01000000' + '000000004000' + '2000' + '1664' + '0000000167');
    expect(decodeAvc420BitmapStream(bytes)).toEqual(stream);
    expect(() => decodeAvc420BitmapStream(hex('05 00 00 00 00'))).toThrow(ProtocolError);
  });
});
