import { decodeFastPathPointerUpdate, FastPathUpdateCode, FIXED_PALETTE, type PointerShape } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { PointerState, pointerImage } from '../src/index.js';

/** A session palette whose first entries are easy to tell apart (0x00RRGGBB, as palette updates give them). */
const PALETTE = (() => {
  const p = new Uint32Array(256);
  p[0] = 0x000000;
  p[1] = 0x800000;
  p[2] = 0x008000;
  p[5] = 0x123456;
  p[15] = 0xffffff;
  p[200] = 0xabcdef;
  return p;
})();

/** RGBA of each pixel, row by row (top-down), as `[r, g, b, a]` tuples. */
function pixels(rgba: Uint8Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rgba.length; i += 4) out.push([rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]);
  return out;
}

describe('pointer shapes to RGBA (MS-RDPBCGR 2.2.9.1.1.4.4/.5, TS_POINTERATTRIBUTE)', () => {
  it('xorBpp 4: two palette indexes per byte, high nibble first, bottom-up rows, AND mask transparency', () => {
    // 3x2. Rows are bottom-up and each is padded to an even byte count: 3 pixels = 1.5 -> 2 bytes.
    const shape: PointerShape = {
      cacheIndex: 0,
      hotX: 1,
      hotY: 0,
      width: 3,
      height: 2,
      xorBpp: 4,
      // bottom row: indexes 5, 15, 0 (+pad); top row: 1, 2, 5 (+pad)
      xorMask: Uint8Array.of(0x5f, 0x00, 0x12, 0x50),
      // AND: bottom row all opaque; top row: third pixel transparent (bit 2 of the first byte, MSB first)
      andMask: Uint8Array.of(0x00, 0x00, 0x20, 0x00),
    };
    expect(pixels(pointerImage(shape, PALETTE).rgba)).toEqual([
      [0x80, 0x00, 0x00, 0xff],
      [0x00, 0x80, 0x00, 0xff],
      [0x12, 0x34, 0x56, 0x00],
      [0x12, 0x34, 0x56, 0xff],
      [0xff, 0xff, 0xff, 0xff],
      [0x00, 0x00, 0x00, 0xff],
    ]);
  });

  it('xorBpp 8: one palette index per byte from the session palette, not the fixed one', () => {
    const shape: PointerShape = {
      cacheIndex: 0,
      hotX: 0,
      hotY: 0,
      width: 2,
      height: 1,
      xorBpp: 8,
      xorMask: Uint8Array.of(200, 5),
      andMask: Uint8Array.of(0x00, 0x00),
    };
    expect(pixels(pointerImage(shape, PALETTE).rgba)).toEqual([
      [0xab, 0xcd, 0xef, 0xff],
      [0x12, 0x34, 0x56, 0xff],
    ]);
    // Without a palette update the viewer's palette is the fixed one rdshare starts with.
    const fixed = FIXED_PALETTE[200];
    expect(pixels(pointerImage(shape).rgba)[0]).toEqual([
      (fixed >> 16) & 0xff,
      (fixed >> 8) & 0xff,
      fixed & 0xff,
      0xff,
    ]);
  });

  it('xorBpp 1: set bits white, clear bits black, AND+XOR (screen inversion) drawn opaque black', () => {
    const shape: PointerShape = {
      cacheIndex: 0,
      hotX: 0,
      hotY: 0,
      width: 4,
      height: 1,
      xorBpp: 1,
      xorMask: Uint8Array.of(0b1010_0000, 0x00),
      andMask: Uint8Array.of(0b0011_0000, 0x00),
    };
    expect(pixels(pointerImage(shape).rgba)).toEqual([
      [0xff, 0xff, 0xff, 0xff],
      [0x00, 0x00, 0x00, 0xff],
      [0x00, 0x00, 0x00, 0xff],
      [0x00, 0x00, 0x00, 0x00],
    ]);
  });

  it('a decoded fast-path 4 bpp New Pointer update takes the palette PointerState was given', () => {
    // TS_FP_POINTERATTRIBUTE: xorBpp 4, cacheIndex 3, hotSpot 0,0, 2x1, lengthAndMask 2, lengthXorMask 2.
    const body = Uint8Array.of(4, 0, 3, 0, 0, 0, 0, 0, 2, 0, 1, 0, 2, 0, 2, 0, 0x5f, 0x00, 0x00, 0x00);
    const update = decodeFastPathPointerUpdate(FastPathUpdateCode.POINTER, body);
    const state = new PointerState();
    state.setPalette(PALETTE);
    const view = state.apply(update);
    expect(pixels(view.image?.rgba ?? new Uint8Array())).toEqual([
      [0x12, 0x34, 0x56, 0xff],
      [0xff, 0xff, 0xff, 0xff],
    ]);
    expect(state.apply({ type: 'cached', cacheIndex: 3 }).image).toBe(view.image);
  });
});
