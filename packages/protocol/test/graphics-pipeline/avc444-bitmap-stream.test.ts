import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import {
  Avc444Lc,
  decodeAvc444BitmapStream,
  encodeAvc444BitmapStream,
} from '../../src/graphics-pipeline/avc444-bitmap-stream.js';
import { GfxCapsFlags, GfxCapsVersion, gfxSupportsAvc444 } from '../../src/graphics-pipeline/gfx-capabilities.js';
import { hex } from '../security/hex.js';

/**
 * Written field by field from MS-RDPEGFX 2.2.4.5: avc420EncodedBitstreamInfo (u32 LE: cbAvc420EncodedBitstream1 in
 * bits 0-29, LC in bits 30-31), then RFX_AVC420_BITMAP_STREAMs (2.2.4.4): numRegionRects u32, RDPGFX_RECT16s
 * (left, top, right, bottom), RDPGFX_H264_QUANT_QUALITYs (qpVal: QP in bits 0-5, p in bit 7; qualityVal), then
 * the Annex B bytes.
 */
const MAIN_HEX = '01 00 00 00  00 00 40 00 40 00 80 00  16 64  00 00 00 01 65'; // 19 bytes
const AUX_HEX = '01 00 00 00  00 00 40 00 40 00 80 00  16 64  00 00 00 01 41';
const region = { left: 0, top: 64, right: 64, bottom: 128 };
const quality = { qp: 22, progressive: false, qualityVal: 100 };
const main = { regionRects: [region], quantQualityVals: [quality], bitstream: hex('00 00 00 01 65') };
const auxiliary = { regionRects: [region], quantQualityVals: [quality], bitstream: hex('00 00 00 01 41') };

const vectors: [string, Parameters<typeof encodeAvc444BitmapStream>[0]][] = [
  [`13 00 00 00 ${MAIN_HEX} ${AUX_HEX}`, { lc: Avc444Lc.LUMA_AND_CHROMA, main, auxiliary }],
  [`13 00 00 40 ${MAIN_HEX}`, { lc: Avc444Lc.LUMA, main }],
  [`13 00 00 80 ${AUX_HEX}`, { lc: Avc444Lc.CHROMA, auxiliary }],
];

describe('RFX_AVC444_BITMAP_STREAM', () => {
  it.each(vectors)('encodes and decodes %s', (bytes, stream) => {
    expect(encodeAvc444BitmapStream(stream)).toEqual(hex(bytes));
    expect(decodeAvc444BitmapStream(hex(bytes))).toEqual(stream);
  });

  it('rejects the reserved LC and a first stream longer than the structure', () => {
    expect(() => decodeAvc444BitmapStream(hex(`13 00 00 c0 ${MAIN_HEX}`))).toThrow(ProtocolError);
    expect(() => decodeAvc444BitmapStream(hex(`14 00 00 00 ${MAIN_HEX}`))).toThrow(ProtocolError);
    expect(() => decodeAvc444BitmapStream(hex('13 00'))).toThrow(ProtocolError);
  });
});

describe('AVC444 capability', () => {
  it('is every 10.x set without AVC_DISABLED, never 8.x', () => {
    expect(gfxSupportsAvc444({ version: GfxCapsVersion.VERSION10, flags: 0 })).toBe(true);
    expect(gfxSupportsAvc444({ version: GfxCapsVersion.VERSION107, flags: GfxCapsFlags.SMALL_CACHE })).toBe(true);
    expect(gfxSupportsAvc444({ version: GfxCapsVersion.VERSION106, flags: GfxCapsFlags.AVC_DISABLED })).toBe(false);
    expect(gfxSupportsAvc444({ version: GfxCapsVersion.VERSION81, flags: GfxCapsFlags.AVC420_ENABLED })).toBe(false);
    expect(gfxSupportsAvc444({ version: GfxCapsVersion.VERSION8, flags: 0 })).toBe(false);
  });
});
