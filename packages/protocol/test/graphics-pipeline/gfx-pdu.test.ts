import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import {
  chooseGfxCapabilitySet,
  GfxCapsFlags,
  GfxCapsVersion,
  gfxSupportsAvc420,
} from '../../src/graphics-pipeline/gfx-capabilities.js';
import {
  decodeGfxPdus,
  encodeGfxPdu,
  encodeGfxPdus,
  type GfxPdu,
  RESET_GRAPHICS_PDU_LENGTH,
} from '../../src/graphics-pipeline/gfx-pdu.js';
import { fuzz } from '../data/fuzz.js';
import { hex } from '../security/hex.js';

/**
 * One vector per PDU, written field by field from MS-RDPEGFX 2.2.1.5 (RDPGFX_HEADER: cmdId u16, flags u16 = 0,
 * pduLength u32 including the header) and the layouts of 2.2.2.x; all integers little-endian, RDPGFX_RECT16 as
 * left, top, right, bottom (right/bottom exclusive), RDPGFX_COLOR32 as B, G, R, XA.
 */
const vectors: [string, GfxPdu][] = [
  [
    '12 00 00 00 2e 00 00 00 02 00  04 00 08 00 04 00 00 00 00 00 00 00  00 01 0a 00 10 00 00 00' +
      ' 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    {
      type: 'capsAdvertise',
      capsSets: [
        { version: GfxCapsVersion.VERSION8, flags: 0 },
        { version: GfxCapsVersion.VERSION101, flags: 0 },
      ],
    },
  ],
  [
    '13 00 00 00 14 00 00 00 05 01 08 00 04 00 00 00 10 00 00 00',
    { type: 'capsConfirm', capsSet: { version: GfxCapsVersion.VERSION81, flags: GfxCapsFlags.AVC420_ENABLED } },
  ],
  [
    '09 00 00 00 0f 00 00 00 01 00 00 05 20 03 20',
    {
      type: 'createSurface',
      surfaceId: 1,
      width: 1280,
      height: 800,
      pixelFormat: 0x20,
    },
  ],
  ['0a 00 00 00 0a 00 00 00 01 00', { type: 'deleteSurface', surfaceId: 1 }],
  [
    '0f 00 00 00 14 00 00 00 01 00 00 00 0a 00 00 00 14 00 00 00',
    { type: 'mapSurfaceToOutput', surfaceId: 1, outputOriginX: 10, outputOriginY: 20 },
  ],
  ['0b 00 00 00 10 00 00 00 78 56 34 12 07 00 00 00', { type: 'startFrame', timestamp: 0x12345678, frameId: 7 }],
  ['0c 00 00 00 0c 00 00 00 07 00 00 00', { type: 'endFrame', frameId: 7 }],
  [
    '0d 00 00 00 14 00 00 00 ff ff ff ff 07 00 00 00 03 00 00 00',
    { type: 'frameAcknowledge', queueDepth: 0xffffffff, frameId: 7, totalFramesDecoded: 3 },
  ],
  [
    '04 00 00 00 18 00 00 00 01 00 33 66 99 ff 01 00 00 00 00 00 40 00 40 00',
    { type: 'solidFill', surfaceId: 1, fillPixel: 0xff996633, fillRects: [{ left: 0, top: 0, right: 64, bottom: 64 }] },
  ],
  [
    '05 00 00 00 1a 00 00 00 01 00 01 00 00 00 10 00 40 00 50 00 01 00 00 00 00 00',
    {
      type: 'surfaceToSurface',
      surfaceIdSrc: 1,
      surfaceIdDest: 1,
      rectSrc: { left: 0, top: 16, right: 64, bottom: 80 },
      destPts: [{ x: 0, y: 0 }],
    },
  ],
  [
    '06 00 00 00 1c 00 00 00 01 00 08 07 06 05 04 03 02 01 03 00 00 00 00 00 40 00 40 00',
    {
      type: 'surfaceToCache',
      surfaceId: 1,
      cacheKey: 0x0102030405060708n,
      cacheSlot: 3,
      rectSrc: { left: 0, top: 0, right: 64, bottom: 64 },
    },
  ],
  [
    '07 00 00 00 12 00 00 00 03 00 01 00 01 00 40 00 80 00',
    { type: 'cacheToSurface', cacheSlot: 3, surfaceId: 1, destPts: [{ x: 64, y: 128 }] },
  ],
  ['08 00 00 00 0a 00 00 00 03 00', { type: 'evictCacheEntry', cacheSlot: 3 }],
  [
    '10 00 00 00 16 00 00 00 01 00 08 07 06 05 04 03 02 01 00 40 00 00',
    { type: 'cacheImportOffer', cacheEntries: [{ cacheKey: 0x0102030405060708n, bitmapLength: 0x4000 }] },
  ],
  ['11 00 00 00 0e 00 00 00 02 00 01 00 02 00', { type: 'cacheImportReply', cacheSlots: [1, 2] }],
  [
    '01 00 00 00 1d 00 00 00 01 00 0a 00 20 00 00 00 00 40 00 40 00 04 00 00 00 aa bb cc dd',
    {
      type: 'wireToSurface1',
      surfaceId: 1,
      codecId: 0x0a,
      pixelFormat: 0x20,
      destRect: { left: 0, top: 0, right: 64, bottom: 64 },
      bitmapData: hex('aa bb cc dd'),
    },
  ],
  [
    '02 00 00 00 19 00 00 00 01 00 09 00 05 00 00 00 20 04 00 00 00 cc c0 cc c1',
    {
      type: 'wireToSurface2',
      surfaceId: 1,
      codecId: 0x09,
      codecContextId: 5,
      pixelFormat: 0x20,
      bitmapData: hex('cc c0 cc c1'),
    },
  ],
  ['03 00 00 00 0e 00 00 00 01 00 05 00 00 00', { type: 'deleteEncodingContext', surfaceId: 1, codecContextId: 5 }],
  [
    '16 00 00 00 14 00 00 00 07 00 00 00 e8 03 00 00 05 00 0c 00',
    { type: 'qoeFrameAcknowledge', frameId: 7, timestamp: 1000, timeDiffSE: 5, timeDiffEDR: 12 },
  ],
];

describe('MS-RDPEGFX PDUs', () => {
  it.each(vectors)('%s', (bytes, pdu) => {
    expect(Buffer.from(encodeGfxPdu(pdu)).toString('hex')).toBe(bytes.replace(/ /g, ''));
    expect(decodeGfxPdus(hex(bytes))).toEqual([pdu]);
  });

  it('pads Reset Graphics to 340 bytes with its monitor definitions', () => {
    const pdu: GfxPdu = {
      type: 'resetGraphics',
      width: 1280,
      height: 800,
      monitors: [{ left: 0, top: 0, right: 1279, bottom: 799, flags: 1 }],
    };
    const bytes = encodeGfxPdu(pdu);
    expect(bytes.length).toBe(RESET_GRAPHICS_PDU_LENGTH);
    expect(Buffer.from(bytes.subarray(0, 40)).toString('hex')).toBe(
      '0e000000540100000005000020030000010000000000000000000000ff0400001f03000001000000',
    );
    expect(decodeGfxPdus(bytes)).toEqual([pdu]);
  });

  it('decodes several PDUs in one message', () => {
    const frame: GfxPdu[] = [vectors[5][1], vectors[15][1], vectors[6][1]];
    expect(decodeGfxPdus(encodeGfxPdus(frame))).toEqual(frame);
  });

  it('rejects empty rects, short pduLength, unknown commands and oversize counts', () => {
    for (const bytes of [
      '04 00 00 00 18 00 00 00 01 00 33 66 99 ff 01 00 00 00 00 00 00 00 40 00',
      '0c 00 00 00 04 00 00 00',
      '0c 00 00 00 10 00 00 00 07 00 00 00',
      '7f 00 00 00 08 00 00 00',
      '11 00 00 00 0a 00 00 00 ff ff',
    ]) {
      expect(() => decodeGfxPdus(hex(bytes))).toThrow(ProtocolError);
    }
    expect(() =>
      encodeGfxPdu({
        type: 'solidFill',
        surfaceId: 1,
        fillPixel: 0,
        fillRects: [{ left: 5, top: 0, right: 5, bottom: 1 }],
      }),
    ).toThrow(ProtocolError);
  });

  it('throws only ProtocolErrors on mutated input', () => {
    const { rejected } = fuzz(
      decodeGfxPdus,
      vectors.map(([b]) => hex(b)),
    );
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('capability choice', () => {
  it('confirms the highest known version with the client flags and reads AVC support from them', () => {
    const chosen = chooseGfxCapabilitySet([
      { version: GfxCapsVersion.VERSION8, flags: 0 },
      { version: GfxCapsVersion.VERSION107, flags: GfxCapsFlags.AVC_DISABLED },
      { version: 0x000b0000, flags: 0 },
      { version: GfxCapsVersion.VERSION105, flags: 0 },
    ]);
    expect(chosen).toEqual({ version: GfxCapsVersion.VERSION107, flags: GfxCapsFlags.AVC_DISABLED });
    expect(gfxSupportsAvc420(chosen as never)).toBe(false);
    expect(gfxSupportsAvc420({ version: GfxCapsVersion.VERSION105, flags: 0 })).toBe(true);
    expect(gfxSupportsAvc420({ version: GfxCapsVersion.VERSION81, flags: GfxCapsFlags.AVC420_ENABLED })).toBe(true);
    expect(gfxSupportsAvc420({ version: GfxCapsVersion.VERSION8, flags: 0 })).toBe(false);
    expect(chooseGfxCapabilitySet([{ version: 1, flags: 0 }])).toBeUndefined();
  });
});
