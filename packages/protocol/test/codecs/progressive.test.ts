import { describe, expect, it } from 'vitest';
import {
  decodeProgressiveBlocks,
  encodeProgressiveBlocks,
  encodeRlgr,
  PROGRESSIVE_QUALITY_FULL,
  type ProgressiveBlock,
  ProgressiveBlockType,
  ProgressiveDecoder,
  type ProgressiveTile,
  type ProgressiveTileSimple,
  ProtocolError,
  type Rect,
  RFX_DWT_REDUCE_EXTRAPOLATE,
  RFX_SUBBAND_DIFFING,
  RFX_TILE_DIFFERENCE,
  RlgrMode,
  TILE_STATE_BYTES,
} from '../../src/index.js';
import { fuzz } from '../data/fuzz.js';

const QUANT = new Uint8Array(10).fill(6);
const PLUS_TWO = new Uint8Array(10).fill(2);
const empty = new Uint8Array(0);

/** RLGR1 of a component whose coefficients are zero but the first of the LL3 band (`ll3` is where it starts). */
function dcComponent(value: number, ll3: number): Uint8Array {
  const coefficients = new Int16Array(4096);
  coefficients[ll3] = value;
  return encodeRlgr(coefficients, RlgrMode.RLGR1);
}

function simpleTile(xIdx: number, yIdx: number, y: number, flags = 0, ll3 = 4032): ProgressiveTileSimple {
  return {
    blockType: ProgressiveBlockType.WBT_TILE_SIMPLE,
    quantIdxY: 0,
    quantIdxCb: 0,
    quantIdxCr: 0,
    xIdx,
    yIdx,
    flags,
    yData: dcComponent(y, ll3),
    cbData: dcComponent(0, ll3),
    crData: dcComponent(0, ll3),
    tailData: empty,
  };
}

/** The same tile as a first pass at `progressiveQuality`. */
function firstPass(tile: ProgressiveTileSimple, progressiveQuality: number): ProgressiveTile {
  return { ...tile, blockType: ProgressiveBlockType.WBT_TILE_FIRST, progressiveQuality };
}

function frame(tiles: ProgressiveTile[], rects: Rect[], regionFlags = 0): Uint8Array {
  const blocks: ProgressiveBlock[] = [
    { blockType: ProgressiveBlockType.WBT_SYNC },
    { blockType: ProgressiveBlockType.WBT_CONTEXT, ctxId: 0, flags: RFX_SUBBAND_DIFFING },
    { blockType: ProgressiveBlockType.WBT_FRAME_BEGIN, frameIndex: 1, regionCount: 1 },
    {
      blockType: ProgressiveBlockType.WBT_REGION,
      rects: rects.map((r) => ({ x: r.left, y: r.top, width: r.right - r.left, height: r.bottom - r.top })),
      quantVals: [QUANT],
      quantProgVals: [{ quality: 50, yQuantValues: PLUS_TWO, cbQuantValues: PLUS_TWO, crQuantValues: PLUS_TWO }],
      flags: regionFlags,
      tiles,
    },
    { blockType: ProgressiveBlockType.WBT_FRAME_END },
  ];
  return encodeProgressiveBlocks(blocks);
}

interface Painted {
  x: number;
  y: number;
  rects: readonly Rect[];
  /** Distinct BGRA pixels of the tile. */
  colours: Set<number>;
}

function decode(decoder: ProgressiveDecoder, data: Uint8Array): Painted[] {
  const painted: Painted[] = [];
  decoder.decode(data, (pixels, x, y, rects) => {
    const view = new Uint32Array(pixels.buffer, pixels.byteOffset, 4096);
    painted.push({ x, y, rects: rects.map((r) => ({ ...r })), colours: new Set(view) });
  });
  return painted;
}

/** Opaque grey `v` as the little-endian u32 of its BGRA bytes. */
const grey = (v: number) => (0xff000000 | (v << 16) | (v << 8) | v) >>> 0;

const expectProtocolError = (f: () => unknown, message: RegExp) => {
  expect(f).toThrow(ProtocolError);
  expect(f).toThrow(message);
};

describe('RemoteFX Progressive blocks ([MS-RDPEGFX] 2.2.4.2)', () => {
  it('every block type round-trips, with lengths, numTiles and tileDataSize computed', () => {
    const upgrade: ProgressiveTile = {
      blockType: ProgressiveBlockType.WBT_TILE_UPGRADE,
      quantIdxY: 0,
      quantIdxCb: 0,
      quantIdxCr: 0,
      xIdx: 1,
      yIdx: 2,
      progressiveQuality: PROGRESSIVE_QUALITY_FULL,
      ySrlData: Uint8Array.of(1),
      yRawData: Uint8Array.of(2, 3),
      cbSrlData: empty,
      cbRawData: Uint8Array.of(4),
      crSrlData: Uint8Array.of(5, 6, 7),
      crRawData: empty,
    };
    const first: ProgressiveTile = firstPass(simpleTile(3, 4, 9), 0);
    const data = frame(
      [simpleTile(0, 0, 1, RFX_TILE_DIFFERENCE), first, upgrade],
      [{ left: 0, top: 0, right: 10, bottom: 20 }],
    );
    const blocks = decodeProgressiveBlocks(data);
    expect(blocks.map((b) => b.blockType)).toEqual([0xccc0, 0xccc3, 0xccc1, 0xccc4, 0xccc2]);
    expect(encodeProgressiveBlocks(blocks)).toEqual(data);
    const region = blocks[3];
    if (region.blockType !== ProgressiveBlockType.WBT_REGION) throw new Error('not a region');
    expect(region.tiles[2]).toEqual(upgrade);
    expect(region.quantVals).toEqual([QUANT]);
    // RFX_PROGRESSIVE_SYNC: blockType, blockLen 12, magic 0xCACCACCA, version 0x0100.
    expect(Buffer.from(data.subarray(0, 12)).toString('hex')).toBe('c0cc0c000000caacccca0001');
    // RFX_PROGRESSIVE_CONTEXT: blockLen 10, ctxId 0, tileSize 64, flags RFX_SUBBAND_DIFFING.
    expect(Buffer.from(data.subarray(12, 22)).toString('hex')).toBe('c3cc0a00000000400001');
  });

  it('rejects malformed blocks with a ProtocolError before allocating for their counts', () => {
    const data = frame([simpleTile(0, 0, 1)], [{ left: 0, top: 0, right: 64, bottom: 64 }]);
    const bad = (patch: (d: Uint8Array) => void) => {
      const d = data.slice();
      patch(d);
      return () => decodeProgressiveBlocks(d);
    };
    expectProtocolError(
      bad((d) => (d[6] = 0)),
      /sync magic/,
    );
    expectProtocolError(
      bad((d) => d.set([5, 0, 0, 0], 2)),
      /blockLen 5/,
    );
    expectProtocolError(
      bad((d) => d.set([0xff, 0xff, 0, 0], 2)),
      /needs 65529 bytes/,
    );
    // The region's numRects (at 34 + 6 + 1) raised to 65535: more rectangles than bytes.
    expectProtocolError(
      bad((d) => d.set([0xff, 0xff], 41)),
      /RFX_PROGRESSIVE_REGION needs/,
    );
    // numTiles (at 34 + 6 + 6) raised to 2.
    expectProtocolError(
      bad((d) => (d[46] = 2)),
      /1 tiles, numTiles 2/,
    );
    expectProtocolError(() => decodeProgressiveBlocks(Uint8Array.of(0xc9, 0xcc, 6, 0, 0, 0)), /block type 0xccc9/);
  });
});

describe('ProgressiveDecoder', () => {
  it('decodes a TILE_SIMPLE (RemoteFX DWT) and paints it within the region rectangles and the surface', () => {
    const decoder = new ProgressiveDecoder(100, 70);
    const painted = decode(decoder, frame([simpleTile(1, 0, 10)], [{ left: 64, top: 0, right: 200, bottom: 70 }]));
    expect(painted).toHaveLength(1);
    expect(painted[0]).toMatchObject({ x: 64, y: 0, rects: [{ left: 64, top: 0, right: 100, bottom: 64 }] });
    // LL3 = 10 everywhere, shifted by 6 - 1 into 11.5 fixed point: Y = 10 + 128.
    expect(painted[0].colours).toEqual(new Set([grey(138)]));
    expect(decoder.byteLength).toBe(TILE_STATE_BYTES);
  });

  it('decodes the reduce-extrapolate layout (LL3 of 81 at 4015)', () => {
    const decoder = new ProgressiveDecoder(64, 64);
    const data = frame(
      [simpleTile(0, 0, -20, 0, 4015)],
      [{ left: 0, top: 0, right: 64, bottom: 64 }],
      RFX_DWT_REDUCE_EXTRAPOLATE,
    );
    expect(decode(decoder, data)[0].colours).toEqual(new Set([grey(108)]));
  });

  it('adds a difference tile to the coefficients it keeps', () => {
    const decoder = new ProgressiveDecoder(64, 64);
    const rect = [{ left: 0, top: 0, right: 64, bottom: 64 }];
    decode(decoder, frame([simpleTile(0, 0, 10)], rect));
    expect(decode(decoder, frame([simpleTile(0, 0, 5, RFX_TILE_DIFFERENCE)], rect))[0].colours).toEqual(
      new Set([grey(143)]),
    );
  });

  it('refines a TILE_FIRST with TILE_UPGRADE passes: RAW bits for LL3, SRL for coefficients still zero', () => {
    const decoder = new ProgressiveDecoder(64, 64);
    const rect = [{ left: 0, top: 0, right: 64, bottom: 64 }];
    const first: ProgressiveTile = firstPass(simpleTile(0, 0, 10), 0);
    // Quantized 2 bits coarser: 10 << (6 + 2 - 1) is 40 in 8-bit units.
    expect(decode(decoder, frame([first], rect))[0].colours).toEqual(new Set([grey(168)]));
    const upgrade = (ySrlData: Uint8Array): ProgressiveTile => ({
      blockType: ProgressiveBlockType.WBT_TILE_UPGRADE,
      quantIdxY: 0,
      quantIdxCb: 0,
      quantIdxCr: 0,
      xIdx: 0,
      yIdx: 0,
      progressiveQuality: PROGRESSIVE_QUALITY_FULL,
      ySrlData,
      // The 2 bits of each of LL3's 64 coefficients, all 3: 3 << 5 more, 3 in 8-bit units.
      yRawData: new Uint8Array(16).fill(0xff),
      cbSrlData: empty,
      cbRawData: empty,
      crSrlData: empty,
      crRawData: empty,
    });
    expect(decode(decoder, frame([upgrade(empty)], rect))[0].colours).toEqual(new Set([grey(171)]));
    // A pass that adds nothing is harmless; one back to a coarser quality is not.
    expect(decode(decoder, frame([upgrade(empty)], rect))[0].colours).toEqual(new Set([grey(171)]));
    const coarser = { ...upgrade(empty), progressiveQuality: 0 };
    expectProtocolError(() => decode(decoder, frame([coarser], rect)), /upgrade to bit position 8 from 6/);

    const fresh = new ProgressiveDecoder(64, 64);
    decode(fresh, frame([first], rect));
    // SRL: 1 (a run ends), 0 (of 0 zeros), 0 (positive), 1 (magnitude 1): HL1's first coefficient becomes 1 << 5.
    const painted = decode(fresh, frame([upgrade(Uint8Array.of(0x90))], rect));
    expect(painted[0].colours.size).toBeGreaterThan(1);
    expectProtocolError(
      () => decode(new ProgressiveDecoder(64, 64), frame([upgrade(empty)], rect)),
      /before its first pass/,
    );
  });

  it('refuses tiles outside the surface, unknown quantization tables and out-of-range quantization values', () => {
    const decoder = new ProgressiveDecoder(100, 70);
    const rect = [{ left: 0, top: 0, right: 64, bottom: 64 }];
    expectProtocolError(() => decode(decoder, frame([simpleTile(2, 0, 1)], rect)), /outside a 100x70 surface/);
    expectProtocolError(() => decode(decoder, frame([simpleTile(0, 2, 1)], rect)), /outside/);
    expectProtocolError(
      () => decode(decoder, frame([{ ...simpleTile(0, 0, 1), quantIdxCr: 1 }], rect)),
      /quantIdx 1 of 1/,
    );
    const first: ProgressiveTile = firstPass(simpleTile(0, 0, 1), 3);
    expectProtocolError(() => decode(decoder, frame([first], rect)), /progressiveQuality 3 of 1/);
    const blocks = decodeProgressiveBlocks(frame([simpleTile(0, 0, 1)], rect));
    const region = blocks[3];
    if (region.blockType !== ProgressiveBlockType.WBT_REGION) throw new Error('not a region');
    region.quantVals[0] = new Uint8Array(10).fill(5);
    expectProtocolError(() => decode(decoder, encodeProgressiveBlocks(blocks)), /quantization value 5/);
    expect(decoder.byteLength).toBe(0);
  });

  it('keeps state for at most the tiles of the surface', () => {
    const decoder = new ProgressiveDecoder(130, 65);
    const tiles = [];
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) tiles.push(simpleTile(x, y, 1));
    decode(decoder, frame(tiles, [{ left: 0, top: 0, right: 130, bottom: 65 }]));
    decode(decoder, frame(tiles, [{ left: 0, top: 0, right: 130, bottom: 65 }]));
    expect(decoder.byteLength).toBe(6 * TILE_STATE_BYTES);
  });

  it('random and mutated streams only ever throw ProtocolError', () => {
    const rect = [{ left: 0, top: 0, right: 128, bottom: 128 }];
    const first: ProgressiveTile = firstPass(simpleTile(1, 1, 7), 0);
    const upgrade: ProgressiveTile = {
      blockType: ProgressiveBlockType.WBT_TILE_UPGRADE,
      quantIdxY: 0,
      quantIdxCb: 0,
      quantIdxCr: 0,
      xIdx: 1,
      yIdx: 1,
      progressiveQuality: PROGRESSIVE_QUALITY_FULL,
      ySrlData: Uint8Array.of(0x90, 0x12),
      yRawData: new Uint8Array(20).fill(0xa5),
      cbSrlData: Uint8Array.of(0xff),
      cbRawData: Uint8Array.of(0x0f),
      crSrlData: empty,
      crRawData: empty,
    };
    const valid = [
      frame([simpleTile(0, 0, 3), first], rect),
      frame([upgrade], rect),
      frame([simpleTile(0, 1, -3, RFX_TILE_DIFFERENCE, 4015)], rect, RFX_DWT_REDUCE_EXTRAPOLATE),
    ];
    const decoder = new ProgressiveDecoder(128, 128);
    const { rejected, accepted } = fuzz((bytes) => decoder.decode(bytes, () => undefined), valid, { iterations: 1500 });
    expect(rejected).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(10);
  });
});
