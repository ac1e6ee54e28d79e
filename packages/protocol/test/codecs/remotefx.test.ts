import { describe, expect, it } from 'vitest';
import {
  decodeRfxMessages,
  encodeRfxMessages,
  ProtocolError,
  type Rect,
  RFX_REGION_LRF,
  RfxBlockType,
  RfxDecoder,
  type RfxMessage,
  RlgrMode,
} from '../../src/index.js';
import { fuzz } from '../data/fuzz.js';
import { makeFrame } from './images.js';
import { RFX_SAMPLE_MESSAGES, RFX_SAMPLE_PICTURE } from './rfx-spec-sample.js';
import { encodeRfxTile, TYPICAL_QUANT } from './rfx-tile-encoder.js';

const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

/**
 * [MS-RDPRFX] 4.2.2, the Encode Headers Messages of the sample stream: TS_RFX_SYNC, TS_RFX_CODEC_VERSIONS,
 * TS_RFX_CHANNELS (one 64x64 channel) and TS_RFX_CONTEXT (video mode, RLGR3: properties 0x2828).
 */
const SAMPLE_HEADERS =
  'c0cc0c000000caacccca0001' + 'c1cc0a00000001010001' + 'c2cc0c000000010040004000' + 'c3cc0d00000001ff0040002828';
const sampleStream = () => fromHex(SAMPLE_HEADERS + RFX_SAMPLE_MESSAGES);

interface Painted {
  x: number;
  y: number;
  rects: readonly Rect[];
  pixels: Uint8Array;
}

function decodeAll(decoder: RfxDecoder, data: Uint8Array): Painted[] {
  const painted: Painted[] = [];
  decoder.decode(data, (pixels, x, y, rects) => painted.push({ x, y, rects, pixels: pixels.slice() }));
  return painted;
}

describe('RemoteFX messages ([MS-RDPRFX] 2.2.2)', () => {
  it('the sample stream of 4.2.2 and 4.2.4 decodes to its fields and encodes back to the same bytes', () => {
    const bytes = sampleStream();
    const messages = decodeRfxMessages(bytes);
    expect(messages.map((m) => m.blockType)).toEqual([
      RfxBlockType.WBT_SYNC,
      RfxBlockType.WBT_CODEC_VERSIONS,
      RfxBlockType.WBT_CHANNELS,
      RfxBlockType.WBT_CONTEXT,
      RfxBlockType.WBT_FRAME_BEGIN,
      RfxBlockType.WBT_REGION,
      RfxBlockType.WBT_EXTENSION,
      RfxBlockType.WBT_FRAME_END,
    ]);
    expect(messages[2]).toEqual({
      blockType: RfxBlockType.WBT_CHANNELS,
      channels: [{ channelId: 0, width: 64, height: 64 }],
    });
    expect(messages[3]).toEqual({ blockType: RfxBlockType.WBT_CONTEXT, ctxId: 0, flags: 0, entropy: RlgrMode.RLGR3 });
    expect(messages[4]).toEqual({ blockType: RfxBlockType.WBT_FRAME_BEGIN, frameIdx: 0, numRegions: 1 });
    expect(messages[5]).toEqual({
      blockType: RfxBlockType.WBT_REGION,
      regionFlags: 0xcd,
      rects: [{ x: 0, y: 0, width: 64, height: 64 }],
      numTilesets: 1,
    });
    const tileset = messages[6];
    if (tileset.blockType !== RfxBlockType.WBT_EXTENSION) throw new Error('no tileset');
    expect(tileset.entropy).toBe(RlgrMode.RLGR3);
    expect(tileset.quantVals.map((q) => Array.from(q))).toEqual([[8, 8, 9, 7, 7, 8, 6, 6, 6, 6]]);
    expect(tileset.tiles.map((t) => [t.xIdx, t.yIdx, t.yData.length, t.cbData.length, t.crData.length])).toEqual([
      [0, 0, 942, 975, 915],
    ]);
    expect(encodeRfxMessages(messages)).toEqual(bytes);
  });

  it('RfxDecoder gives the picture of 4.2.4.4 (within 1) for the sample tile', () => {
    const [tile] = decodeAll(new RfxDecoder(), sampleStream());
    expect(tile.rects).toEqual([{ left: 0, top: 0, right: 64, bottom: 64 }]);
    const picture = fromHex(RFX_SAMPLE_PICTURE);
    let worst = 0;
    for (let i = 0; i < 4096; i++) {
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(tile.pixels[i * 4 + 2 - c] - picture[i * 3 + c]));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
});

/** A frame of `tiles` of a 256x256 desktop picture, with its header messages when `headers`. */
function frameOf(
  mode: RlgrMode,
  rects: { x: number; y: number; width: number; height: number }[],
  at: [number, number][],
  headers: boolean,
): Uint8Array {
  const picture = makeFrame('desktop', 256, 256, 3);
  const messages: RfxMessage[] = [];
  if (headers) {
    messages.push(
      { blockType: RfxBlockType.WBT_SYNC },
      { blockType: RfxBlockType.WBT_CODEC_VERSIONS },
      { blockType: RfxBlockType.WBT_CHANNELS, channels: [{ channelId: 0, width: 200, height: 256 }] },
      { blockType: RfxBlockType.WBT_CONTEXT, ctxId: 0, flags: 0x02, entropy: mode },
    );
  }
  messages.push(
    { blockType: RfxBlockType.WBT_FRAME_BEGIN, frameIdx: 7, numRegions: 1 },
    { blockType: RfxBlockType.WBT_REGION, regionFlags: RFX_REGION_LRF, rects, numTilesets: 1 },
    {
      blockType: RfxBlockType.WBT_EXTENSION,
      idx: 0,
      flags: 0x02,
      entropy: mode,
      quantVals: [new Uint8Array(TYPICAL_QUANT), new Uint8Array(10).fill(6)],
      tiles: at.map(([xIdx, yIdx]) => {
        const [yData, cbData, crData] = encodeRfxTile(picture, 1024, xIdx * 64, yIdx * 64, mode);
        return { quantIdxY: 0, quantIdxCb: 1, quantIdxCr: 1, xIdx, yIdx, yData, cbData, crData };
      }),
    },
    { blockType: RfxBlockType.WBT_FRAME_END },
  );
  return encodeRfxMessages(messages);
}

describe('RfxDecoder', () => {
  for (const [name, mode] of Object.entries(RlgrMode)) {
    it(`${name}: every message round-trips, and tiles draw only within the region's rects and the channel`, () => {
      const bytes = frameOf(
        mode,
        [
          { x: 10, y: 0, width: 100, height: 64 },
          { x: 150, y: 64, width: 100, height: 30 },
        ],
        [
          [0, 0],
          [1, 0],
          [2, 1],
          [3, 1],
          [0, 3],
        ],
        true,
      );
      expect(encodeRfxMessages(decodeRfxMessages(bytes))).toEqual(bytes);
      const painted = decodeAll(new RfxDecoder(), bytes);
      expect(painted.map((p) => [p.x, p.y, p.rects])).toEqual([
        [0, 0, [{ left: 10, top: 0, right: 64, bottom: 64 }]],
        [64, 0, [{ left: 64, top: 0, right: 110, bottom: 64 }]],
        [128, 64, [{ left: 150, top: 64, right: 192, bottom: 94 }]],
        [192, 64, [{ left: 192, top: 64, right: 200, bottom: 94 }]],
      ]);
    });
  }

  it("keeps the headers' entropy and channel for the frames that follow, and a region without rects is the channel", () => {
    const decoder = new RfxDecoder();
    decodeAll(decoder, frameOf(RlgrMode.RLGR1, [{ x: 0, y: 0, width: 1, height: 1 }], [[0, 0]], true));
    const later = decodeAll(decoder, frameOf(RlgrMode.RLGR1, [], [[3, 3]], false));
    expect(later.map((p) => p.rects)).toEqual([[{ left: 192, top: 192, right: 200, bottom: 256 }]]);
  });

  it('refuses quantization values outside 6..15, unknown quantIdx and tiles past 16-bit coordinates', () => {
    const tileset = (patch: (m: RfxMessage & { blockType: typeof RfxBlockType.WBT_EXTENSION }) => void) => {
      const messages = decodeRfxMessages(
        frameOf(RlgrMode.RLGR3, [{ x: 0, y: 0, width: 64, height: 64 }], [[0, 0]], true),
      );
      for (const m of messages) if (m.blockType === RfxBlockType.WBT_EXTENSION) patch(m);
      return () => new RfxDecoder().decode(encodeRfxMessages(messages), () => undefined);
    };
    expect(tileset((m) => m.quantVals[0].fill(5))).toThrow(ProtocolError);
    expect(tileset((m) => (m.tiles[0].quantIdxCr = 2))).toThrow(ProtocolError);
    expect(tileset((m) => (m.tiles[0].xIdx = 1024))).toThrow(ProtocolError);
  });

  it('malformed and mutated streams only ever throw ProtocolError', () => {
    const valid = [
      sampleStream(),
      frameOf(
        RlgrMode.RLGR1,
        [{ x: 0, y: 0, width: 128, height: 64 }],
        [
          [0, 0],
          [1, 0],
        ],
        true,
      ),
    ];
    const decoder = new RfxDecoder();
    const { rejected, accepted } = fuzz((bytes) => decoder.decode(bytes, () => undefined), valid, { iterations: 1500 });
    expect(rejected).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(10);
  });
});
