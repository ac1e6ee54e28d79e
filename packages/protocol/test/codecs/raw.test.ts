import { describe, expect, it } from 'vitest';
import { type BitmapBpp, decodeRaw, encodeRaw, ProtocolError } from '../../src/index.js';
import { expected, makeFrame, rgbAt, rng } from './images.js';

describe('uncompressed bitmap data', () => {
  it('writes rows bottom-up with the depth-specific pixel layout', () => {
    // 1x2 frame: top pixel red, bottom pixel blue; the width is padded to 4 by repeating the pixel.
    const frame = Uint8Array.from([0, 0, 0xff, 0, 0xff, 0, 0, 0]);
    const src = { data: frame, stride: 4, width: 1, height: 2 };
    expect(Array.from(encodeRaw(src, { bpp: 32 }).data.subarray(0, 4))).toEqual([0xff, 0, 0, 0xff]);
    expect(Array.from(encodeRaw(src, { bpp: 24 }).data.subarray(12, 15))).toEqual([0, 0, 0xff]);
    expect(Array.from(encodeRaw(src, { bpp: 16 }).data.subarray(0, 2))).toEqual([0x1f, 0x00]);
    expect(Array.from(encodeRaw(src, { bpp: 15 }).data.subarray(8, 10))).toEqual([0x00, 0x7c]);
    // 8 bpp: FIXED_PALETTE indices, pure blue is cube entry 5 and pure red 180.
    expect(Array.from(encodeRaw(src, { bpp: 8 }).data)).toEqual([5, 5, 5, 5, 180, 180, 180, 180]);
    const enc = encodeRaw(src, { bpp: 24 });
    expect([enc.width, enc.height, enc.data.byteLength]).toEqual([4, 2, 24]);
  });

  for (const bpp of [8, 15, 16, 24, 32] as BitmapBpp[]) {
    it(`round-trips ${bpp} bpp at several widths`, () => {
      for (const [width, height] of [
        [1, 1],
        [7, 3],
        [64, 64],
        [130, 5],
      ]) {
        const frame = makeFrame('desktop', width, height, width);
        const enc = encodeRaw({ data: frame, stride: width * 4, width, height }, { bpp });
        const dst = new Uint8Array(enc.width * height * 4);
        decodeRaw(enc.data, enc.width, height, bpp, dst);
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < enc.width; x++) {
            const want = expected(bpp, frame, (y * width + Math.min(x, width - 1)) * 4);
            expect(rgbAt(dst, (y * enc.width + x) * 4)).toBe(want);
          }
        }
      }
    });
  }

  it('looks 8 bpp pixels up in the given palette', () => {
    const palette = new Uint32Array(256);
    palette[7] = 0x123456;
    const dst = new Uint8Array(16);
    decodeRaw(Uint8Array.from([7, 0, 7, 0]), 4, 1, 8, dst, { palette });
    expect([rgbAt(dst, 0), rgbAt(dst, 4), rgbAt(dst, 8), dst[3]]).toEqual([0x123456, 0, 0x123456, 0xff]);
  });

  it('accepts scan lines padded to 4 bytes as well as tight ones', () => {
    // 3x1 at 24 bpp: 9 bytes tight, 12 padded.
    const dst = new Uint8Array(12);
    decodeRaw(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0]), 3, 1, 24, dst);
    expect(rgbAt(dst, 8)).toBe(0x090807);
    decodeRaw(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), 3, 1, 24, dst);
    expect(rgbAt(dst, 8)).toBe(0x090807);
  });

  it('fuzz: only ProtocolError for random lengths and sizes', () => {
    const rand = rng(7);
    const dst = new Uint8Array(16 * 16 * 4);
    let rejected = 0;
    for (let iter = 0; iter < 2000; iter++) {
      const bytes = new Uint8Array((rand() * 1100) | 0);
      const bpp = ([8, 15, 16, 24, 32] as const)[iter % 5];
      try {
        decodeRaw(bytes, 1 + ((rand() * 16) | 0), 1 + ((rand() * 16) | 0), bpp, dst);
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
    expect(() => decodeRaw(new Uint8Array(4), 1, 1, 4 as BitmapBpp, dst)).toThrow(ProtocolError);
  });
});
