import {
  decodeGfxPdus,
  encodeAvc420BitmapStream,
  encodeGfxPdus,
  encodePlanar,
  encodeSegmentedData,
  GfxCapsFlags,
  GfxCapsVersion,
  GfxCodecId,
  type GfxPdu,
  GfxPixelFormat,
  ProtocolError,
  RlgrMode,
} from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import type { FrameBuffer } from '../../src/frame-buffer.js';
import { gfxClientCapabilities } from '../../src/graphics-pipeline/gfx-client.js';
import type { H264Decoder, H264Picture } from '../../src/graphics-pipeline/h264-decoder.js';
import { gfxHarness, wireToSurface1 } from '../support/gfx-harness.js';
import { prng } from '../support/prng.js';
import { greyTileRfxStream } from '../support/rfx-stream.js';

function hex(dump: string): Uint8Array {
  return Uint8Array.from(dump.split(/\s+/).filter(Boolean), (b) => Number.parseInt(b, 16));
}

/** RGBA of the frame buffer pixel at x,y. */
function px(frame: FrameBuffer, x: number, y: number): number[] {
  const i = (y * frame.width + x) * 4;
  return [...frame.data.subarray(i, i + 4)];
}

const SETUP: GfxPdu[] = [
  {
    type: 'resetGraphics',
    width: 8,
    height: 4,
    monitors: [{ left: 0, top: 0, right: 7, bottom: 3, flags: 1 }],
  },
  { type: 'createSurface', surfaceId: 1, width: 8, height: 4, pixelFormat: GfxPixelFormat.XRGB_8888 },
  { type: 'mapSurfaceToOutput', surfaceId: 1, outputOriginX: 0, outputOriginY: 0 },
];

describe('GfxClient capabilities', () => {
  it('advertises 8.0 to 10.7 with AVC disabled and the small cache when it has no H.264 decoder', () => {
    const { client, sent } = gfxHarness();
    client.start();
    const bytes = sent[0];
    // RDPGFX_HEADER: cmdId CAPSADVERTISE (0x0012), flags 0, pduLength; capsSetCount 9; the first set is 8.0 with
    // 4 bytes of flags = SMALL_CACHE.
    expect([...bytes.subarray(0, 2)]).toEqual([0x12, 0x00]);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true)).toBe(bytes.length);
    expect([...bytes.subarray(8, 22)]).toEqual([...hex('09 00 04 00 08 00 04 00 00 00 02 00 00 00')]);
    const advertised = decodeGfxPdus(bytes)[0];
    expect(advertised.type === 'capsAdvertise' && advertised.capsSets.map((s) => s.version)).toContain(
      GfxCapsVersion.VERSION107,
    );
    for (const set of gfxClientCapabilities(false).filter((s) => s.version >= GfxCapsVersion.VERSION10)) {
      expect(set.flags & GfxCapsFlags.AVC_DISABLED).toBe(GfxCapsFlags.AVC_DISABLED);
    }
  });

  it('with an H.264 decoder advertises AVC420 through 8.1 and no 10.x set (they promise AVC444)', () => {
    expect(gfxClientCapabilities(true)).toEqual([
      { version: GfxCapsVersion.VERSION8, flags: GfxCapsFlags.SMALL_CACHE },
      { version: GfxCapsVersion.VERSION81, flags: GfxCapsFlags.SMALL_CACHE | GfxCapsFlags.AVC420_ENABLED },
    ]);
  });

  it('with a decoder that hands out planes, the 10.x sets too, AVC enabled (AVC444)', () => {
    const decoder = () => ({ decode: async () => undefined, close() {} });
    const { client, sentPdus } = gfxHarness({ h264: Object.assign(decoder, { yuvPlanes: true }) });
    client.start();
    const advertised = sentPdus()[0];
    expect(advertised.type === 'capsAdvertise' && advertised.capsSets).toEqual(gfxClientCapabilities(true, true));
    const tenX = gfxClientCapabilities(true, true).filter((s) => s.version >= GfxCapsVersion.VERSION10);
    expect(tenX.map((s) => s.version)).toContain(GfxCapsVersion.VERSION107);
    for (const set of tenX) {
      expect(set.flags & (GfxCapsFlags.AVC_DISABLED | GfxCapsFlags.SMALL_CACHE)).toBe(GfxCapsFlags.SMALL_CACHE);
    }
  });
});

describe('GfxClient frames', () => {
  it('decodes a SolidFill from its bytes (MS-RDPEGFX 2.2.2.4) and acknowledges the frame after composing it', async () => {
    const { client, feed, sent, frames, frame } = gfxHarness();
    feed(SETUP);
    await client.idle();
    sent.length = 0;
    feed([{ type: 'startFrame', timestamp: 0, frameId: 7 }]);
    // RDP_SEGMENTED_DATA SINGLE, uncompressed RDP8; RDPGFX_SOLIDFILL_PDU: surface 1, colour B=0x11 G=0x22 R=0x33,
    // one rect 1,1 - 3,3 (right/bottom exclusive).
    client.receive(hex('e0 04 04 00 00 00 18 00 00 00 01 00 11 22 33 ff 01 00 01 00 01 00 03 00 03 00'));
    await client.idle();
    expect(sent).toEqual([]);
    feed([{ type: 'endFrame', frameId: 7 }]);
    await client.idle();
    expect(px(frame(), 1, 1)).toEqual([0x33, 0x22, 0x11, 0xff]);
    expect(px(frame(), 2, 2)).toEqual([0x33, 0x22, 0x11, 0xff]);
    expect(px(frame(), 3, 3)).toEqual([0, 0, 0, 255]);
    expect(frames.at(-1)).toEqual([{ x: 1, y: 1, width: 2, height: 2 }]);
    // RDPGFX_FRAME_ACKNOWLEDGE_PDU: cmdId 0x000d, pduLength 20, queueDepth 0, frameId 7, totalFramesDecoded 1.
    expect([...sent[0]]).toEqual([...hex('0d 00 00 00 14 00 00 00 00 00 00 00 07 00 00 00 01 00 00 00')]);
  });

  it('decodes the same SolidFill from a compressed segment (RDP 8.0 bulk compression, as Windows servers send)', async () => {
    const { client, feed, frame } = gfxHarness();
    feed(SETUP);
    await client.idle();
    // The SolidFill's 24 bytes as ZGFX tokens (MS-RDPEGFX 3.1.9.1), MSB first: literals from the token table
    // (0x04 1101110, 0x00 11000, 0x01 11001, 0x03 110101, 0xFF 110110), others as 0 and 8 bits, and two matches:
    // "00 00 00" at distance 4 (10001 00100, length 3: 0) and "01 00 01 00" at distance 2 (10001 00010, length 4:
    // 10 00).
    const literal = (byte: number) => `0${byte.toString(2).padStart(8, '0')}`;
    const bits = [
      '1101110 11000 11000 11000',
      literal(0x18),
      '10001 00100 0',
      '11001 11000',
      literal(0x11) + literal(0x22) + literal(0x33),
      '110110 11001 11000',
      '10001 00010 10 00',
      '110101 11000 110101 11000',
    ]
      .join('')
      .replace(/\s/g, '');
    const packed = new Uint8Array(Math.ceil(bits.length / 8) + 1);
    for (let i = 0; i < bits.length; i++) if (bits[i] === '1') packed[i >> 3] |= 0x80 >> (i & 7);
    packed[packed.length - 1] = (8 - (bits.length % 8)) % 8;
    feed([{ type: 'startFrame', timestamp: 0, frameId: 7 }]);
    client.receive(new Uint8Array([0xe0, 0x24, ...packed]));
    feed([{ type: 'endFrame', frameId: 7 }]);
    await client.idle();
    expect(px(frame(), 1, 1)).toEqual([0x33, 0x22, 0x11, 0xff]);
    expect(px(frame(), 2, 2)).toEqual([0x33, 0x22, 0x11, 0xff]);
    expect(px(frame(), 3, 3)).toEqual([0, 0, 0, 255]);
  });

  it('applies uncompressed and planar WireToSurface1, SurfaceToSurface and the cache, pixel for pixel', async () => {
    const { client, feed, frame, sentPdus, failures } = gfxHarness();
    const tile = new Uint8Array(2 * 2 * 4);
    for (let i = 0; i < 4; i++) tile.set([10 * i, 20 + i, 30 + i, 0], i * 4);
    const planarSrc = new Uint8Array(3 * 2 * 4).map((_, i) => (i * 37) & 0xff);
    const planar = encodePlanar(
      { data: planarSrc, stride: 12, width: 3, height: 2 },
      { alpha: false, bottomUp: false },
    );
    feed([
      ...SETUP,
      { type: 'startFrame', timestamp: 0, frameId: 1 },
      wireToSurface1(GfxCodecId.UNCOMPRESSED, { left: 0, top: 0, right: 2, bottom: 2 }, tile),
      wireToSurface1(GfxCodecId.PLANAR, { left: 5, top: 2, right: 8, bottom: 4 }, planar.data),
      {
        type: 'surfaceToSurface',
        surfaceIdSrc: 1,
        surfaceIdDest: 1,
        rectSrc: { left: 0, top: 0, right: 2, bottom: 2 },
        destPts: [{ x: 2, y: 2 }],
      },
      {
        type: 'surfaceToCache',
        surfaceId: 1,
        cacheKey: 0x1122334455667788n,
        cacheSlot: 5,
        rectSrc: { left: 0, top: 0, right: 2, bottom: 1 },
      },
      {
        type: 'cacheToSurface',
        cacheSlot: 5,
        surfaceId: 1,
        destPts: [
          { x: 3, y: 0 },
          { x: 7, y: 0 },
        ],
      },
      { type: 'endFrame', frameId: 1 },
    ]);
    await client.idle();
    const f = frame();
    // Uncompressed: BGRX in, RGBA out, opaque.
    expect(px(f, 1, 1)).toEqual([33, 23, 30, 255]);
    // Copied 2x2 block at 2,2 equals the source block.
    expect(px(f, 3, 3)).toEqual(px(f, 1, 1));
    // Planar (top-down for RDPGFX) at 5,2: source pixel (0,0) is B=0 G=37 R=74.
    expect(px(f, 5, 2)).toEqual([74, 37, 0, 255]);
    expect(px(f, 7, 3)).toEqual([planarSrc[22], planarSrc[21], planarSrc[20], 255]);
    // The cached 2x1 strip lands at 3,0 and (clipped to the surface) at 7,0.
    expect(px(f, 3, 0)).toEqual(px(f, 0, 0));
    expect(px(f, 4, 0)).toEqual(px(f, 1, 0));
    expect(px(f, 7, 0)).toEqual(px(f, 0, 0));
    expect(sentPdus().at(-1)).toEqual({ type: 'frameAcknowledge', queueDepth: 0, frameId: 1, totalFramesDecoded: 1 });

    feed([
      { type: 'evictCacheEntry', cacheSlot: 5 },
      { type: 'cacheToSurface', cacheSlot: 5, surfaceId: 1, destPts: [{ x: 0, y: 0 }] },
    ]);
    await client.idle();
    expect(failures.map((e) => e.message)).toEqual(['MS-RDPEGFX cache: cache slot 5 is empty']);
  });

  it('CAVIDEO: RemoteFX tiles at the destination, only within the region rects', async () => {
    const { client, feed, frame, failures } = gfxHarness();
    const stream = greyTileRfxStream(RlgrMode.RLGR1);
    feed([
      ...SETUP,
      { type: 'startFrame', timestamp: 0, frameId: 1 },
      wireToSurface1(GfxCodecId.CAVIDEO, { left: 2, top: 1, right: 8, bottom: 4 }, stream),
      { type: 'endFrame', frameId: 1 },
    ]);
    await client.idle();
    expect(failures).toEqual([]);
    const f = frame();
    // Y 50 above the centre, no colour: grey 178, on the 3x2 rect from 2,1 only.
    expect([px(f, 2, 1), px(f, 4, 2)]).toEqual([
      [178, 178, 178, 255],
      [178, 178, 178, 255],
    ]);
    expect(px(f, 5, 1)).not.toEqual([178, 178, 178, 255]);
    expect(px(f, 2, 3)).not.toEqual([178, 178, 178, 255]);
    expect(client.stats.codecs.get(GfxCodecId.CAVIDEO)).toBe(1);
  });

  it('ResetGraphics resizes the frame buffer; an unmapped surface is not composed', async () => {
    const { client, feed, frame, frames } = gfxHarness();
    feed([
      { type: 'resetGraphics', width: 16, height: 8, monitors: [] },
      { type: 'createSurface', surfaceId: 2, width: 4, height: 4, pixelFormat: GfxPixelFormat.XRGB_8888 },
      { type: 'solidFill', surfaceId: 2, fillPixel: 0x00ff0000, fillRects: [{ left: 0, top: 0, right: 4, bottom: 4 }] },
    ]);
    await client.idle();
    expect([frame().width, frame().height]).toEqual([16, 8]);
    expect(frames).toEqual([]);
    feed([{ type: 'mapSurfaceToOutput', surfaceId: 2, outputOriginX: 14, outputOriginY: 6 }]);
    await client.idle();
    expect(frames).toEqual([[{ x: 14, y: 6, width: 2, height: 2 }]]);
    expect(px(frame(), 15, 7)).toEqual([255, 0, 0, 255]);
  });

  it('AVC420: takes only the metablock regions from the picture, cropped to the surface, in order', async () => {
    const fed: Uint8Array[] = [];
    let release: (() => void) | undefined;
    const decoder: H264Decoder = {
      async decode(au) {
        fed.push(au);
        // A 16x16 coded picture (padded) for an 8x4 surface: every pixel (x, y) is B=x G=y R=au[0].
        const data = new Uint8Array(16 * 16 * 4);
        for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) data.set([x, y, au[0], 0], (y * 16 + x) * 4);
        if (au[0] === 2) await new Promise<void>((r) => (release = r));
        return { width: 16, height: 16, data } satisfies H264Picture;
      },
      close() {},
    };
    const { client, feed, frame, sentPdus } = gfxHarness({ h264: () => decoder });
    const avc = (n: number, regions: { left: number; top: number; right: number; bottom: number }[]) =>
      wireToSurface1(
        GfxCodecId.AVC420,
        { left: 0, top: 0, right: 8, bottom: 4 },
        encodeAvc420BitmapStream({
          regionRects: regions,
          quantQualityVals: regions.map(() => ({ qp: 22, progressive: false, qualityVal: 100 })),
          bitstream: Uint8Array.of(n, 0, 0, 1, 0x65),
        }),
      );
    feed([
      ...SETUP,
      { type: 'startFrame', timestamp: 0, frameId: 1 },
      avc(1, [
        { left: 0, top: 0, right: 2, bottom: 2 },
        { left: 6, top: 2, right: 20, bottom: 20 },
      ]),
      { type: 'endFrame', frameId: 1 },
    ]);
    await client.idle();
    expect(px(frame(), 1, 1)).toEqual([1, 1, 1, 255]);
    expect(px(frame(), 7, 3)).toEqual([1, 3, 7, 255]);
    expect(px(frame(), 3, 3)).toEqual([0, 0, 0, 255]);

    // A slow decoder holds the frame: it is not acknowledged, and frames behind it count in the queue depth.
    feed([
      { type: 'startFrame', timestamp: 0, frameId: 2 },
      avc(2, [{ left: 3, top: 3, right: 4, bottom: 4 }]),
      { type: 'endFrame', frameId: 2 },
    ]);
    feed([
      { type: 'startFrame', timestamp: 0, frameId: 3 },
      { type: 'endFrame', frameId: 3 },
    ]);
    await new Promise((r) => setTimeout(r, 10));
    expect(
      sentPdus()
        .filter((p) => p.type === 'frameAcknowledge')
        .map((p) => p.type === 'frameAcknowledge' && p.frameId),
    ).toEqual([1]);
    release?.();
    await client.idle();
    const acks = sentPdus().filter((p) => p.type === 'frameAcknowledge');
    expect(acks.slice(1)).toEqual([
      { type: 'frameAcknowledge', queueDepth: 1, frameId: 2, totalFramesDecoded: 2 },
      { type: 'frameAcknowledge', queueDepth: 0, frameId: 3, totalFramesDecoded: 3 },
    ]);
    expect(px(frame(), 3, 3)).toEqual([2, 3, 3, 255]);
    expect(fed.map((au) => au[0])).toEqual([1, 2]);
  });

  it('refuses a message larger than the queue has room for from its declared size, before allocating it', () => {
    const { client } = gfxHarness();
    // MULTIPART declaring 100 MB in one empty-looking segment: refused as OVERSIZE, not allocated and then found short.
    const declared = hex('e1 01 00 00 e1 f5 05 05 00 00 00 04 00 00 00 00');
    expect(() => client.receive(declared)).toThrow(expect.objectContaining({ code: 'OVERSIZE' }));
  });

  it('ends the connection with ProtocolError on what breaks the rules, and stops processing after', async () => {
    const cases: GfxPdu[][] = [
      [{ type: 'solidFill', surfaceId: 9, fillPixel: 0, fillRects: [{ left: 0, top: 0, right: 1, bottom: 1 }] }],
      [{ type: 'cacheToSurface', cacheSlot: 4097, surfaceId: 1, destPts: [] }],
      [{ type: 'cacheToSurface', cacheSlot: 3, surfaceId: 1, destPts: [] }],
      [{ type: 'createSurface', surfaceId: 1, width: 8, height: 4, pixelFormat: GfxPixelFormat.XRGB_8888 }],
      [{ type: 'createSurface', surfaceId: 3, width: 9000, height: 4, pixelFormat: GfxPixelFormat.XRGB_8888 }],
      [
        {
          type: 'surfaceToCache',
          surfaceId: 1,
          cacheKey: 1n,
          cacheSlot: 1,
          rectSrc: { left: 0, top: 0, right: 9, bottom: 1 },
        },
      ],
      [wireToSurface1(GfxCodecId.CLEARCODEC, { left: 0, top: 0, right: 1, bottom: 1 }, new Uint8Array(4))],
      [wireToSurface1(GfxCodecId.UNCOMPRESSED, { left: 0, top: 0, right: 2, bottom: 2 }, new Uint8Array(4))],
      [wireToSurface1(GfxCodecId.AVC420, { left: 0, top: 0, right: 2, bottom: 2 }, new Uint8Array(4))],
      [{ type: 'frameAcknowledge', queueDepth: 0, frameId: 1, totalFramesDecoded: 1 }],
    ];
    for (const pdus of cases) {
      const { client, feed, failures, sent } = gfxHarness();
      feed([...SETUP, ...pdus]);
      await client.idle();
      expect(
        failures,
        JSON.stringify(pdus, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
      ).toHaveLength(1);
      expect(failures[0]).toBeInstanceOf(ProtocolError);
      feed([
        { type: 'startFrame', timestamp: 0, frameId: 1 },
        { type: 'endFrame', frameId: 1 },
      ]);
      await client.idle();
      expect(sent).toEqual([]);
    }
    const { client } = gfxHarness();
    expect(() => client.receive(hex('e0 05 00'))).toThrow(ProtocolError);
  });
});

describe('GfxClient fuzzed', () => {
  it('mutated messages are processed or end in a ProtocolError, never another exception', async () => {
    const planar = encodePlanar(
      { data: new Uint8Array(4 * 4 * 4).map((_, i) => i), stride: 16, width: 4, height: 4 },
      { alpha: false, bottomUp: false },
    );
    const valid = [
      encodeSegmentedData(encodeGfxPdus(SETUP)),
      encodeSegmentedData(
        encodeGfxPdus([
          { type: 'startFrame', timestamp: 0, frameId: 1 },
          wireToSurface1(GfxCodecId.PLANAR, { left: 2, top: 0, right: 6, bottom: 4 }, planar.data),
          { type: 'solidFill', surfaceId: 1, fillPixel: 0xff, fillRects: [{ left: 0, top: 0, right: 8, bottom: 4 }] },
          {
            type: 'surfaceToCache',
            surfaceId: 1,
            cacheKey: 9n,
            cacheSlot: 2,
            rectSrc: { left: 0, top: 0, right: 4, bottom: 4 },
          },
          { type: 'cacheToSurface', cacheSlot: 2, surfaceId: 1, destPts: [{ x: 6, y: 2 }] },
          {
            type: 'surfaceToSurface',
            surfaceIdSrc: 1,
            surfaceIdDest: 1,
            rectSrc: { left: 0, top: 0, right: 4, bottom: 4 },
            destPts: [{ x: 5, y: 3 }],
          },
          { type: 'endFrame', frameId: 1 },
        ]),
      ),
    ];
    const rand = prng(3);
    let rejected = 0;
    for (let i = 0; i < 400; i++) {
      const { client, failures } = gfxHarness();
      client.receive(valid[0]);
      const input = valid[1].slice();
      for (let n = Math.floor(rand() * 4) + 1; n > 0; n--)
        input[Math.floor(rand() * input.length)] = Math.floor(rand() * 256);
      try {
        client.receive(input.subarray(0, rand() < 0.2 ? Math.floor(rand() * input.length) : input.length));
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
        rejected++;
      }
      await client.idle();
      for (const f of failures) expect(f).toBeInstanceOf(ProtocolError);
      rejected += failures.length;
    }
    expect(rejected).toBeGreaterThan(50);
  });
});
