import { describe, expect, it } from 'vitest';
import {
  decodeInterleaved,
  encodeInterleaved,
  FIXED_PALETTE,
  type InterleavedBpp,
  InterleavedOrder as O,
  ProtocolError,
  packPixel,
} from '../../src/index.js';
import { expected, makeFrame, PATTERNS, rgbAt, rng } from './images.js';

/** Decodes and returns 0xRRGGBB rows top-down. */
function decodeRows(
  bytes: number[],
  width: number,
  height: number,
  bpp: InterleavedBpp,
  palette?: Uint32Array,
): number[][] {
  const dst = new Uint8Array(width * height * 4);
  decodeInterleaved(Uint8Array.from(bytes), width, height, bpp, dst, { palette });
  return Array.from({ length: height }, (_, y) =>
    Array.from({ length: width }, (_, x) => rgbAt(dst, (y * width + x) * 4)),
  );
}

const W = 0xffffff;
const RED = 0xff0000;
const BLUE = 0x0000ff;
const GREEN = 0x00ff00;
/** 24 bpp pixels are B,G,R on the wire. */
const px24 = (rgb: number): number[] => [rgb & 0xff, (rgb >> 8) & 0xff, rgb >> 16];

describe('interleaved RLE decoder, order by order ([MS-RDPBCGR] 2.2.9.1.1.3.1.2.4, 3.1.9)', () => {
  it('COLOR_RUN on the first (bottom) line, then BG_RUN copying the line below', () => {
    expect(decodeRows([0x64, ...px24(RED), 0x04], 4, 2, 24)).toEqual([
      [RED, RED, RED, RED],
      [RED, RED, RED, RED],
    ]);
  });

  it('FG_RUN paints white on the first line; a BG_RUN right after a BG_RUN starts with a foreground pel', () => {
    // Stream lines are bottom-up: line 1 is the bottom row. Line 2: BG(2) copies, BG(2) inserts above^fg = 0.
    expect(decodeRows([0x24, 0x02, 0x02], 4, 2, 24)).toEqual([
      [W, W, 0, W],
      [W, W, W, W],
    ]);
  });

  it('does not insert the foreground pel when the first line ends between two BG_RUNs', () => {
    expect(decodeRows([0x04, 0x04], 4, 2, 24)).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('an order starting on the first line keeps first-line semantics past its end', () => {
    // FG_RUN of 6 from the first line: the two pixels on line 2 are fgPel, not (above ^ fgPel) = 0.
    expect(decodeRows([0x26, 0x22], 4, 2, 24)).toEqual([
      [W, W, 0, 0],
      [W, W, W, W],
    ]);
  });

  it('LITE_SET_FG_FGBG_IMAGE sets the foreground and XORs it over the line below', () => {
    // Line 1: color run of blue. Line 2: set fg = green, 4 pixels with mask 0b0101 (LSB first).
    expect(decodeRows([0x64, ...px24(BLUE), 0xd0, 3, ...px24(GREEN), 0x05], 4, 2, 24)).toEqual([
      [BLUE ^ GREEN, BLUE, BLUE ^ GREEN, BLUE],
      [BLUE, BLUE, BLUE, BLUE],
    ]);
  });

  it('REGULAR_FGBG_IMAGE with a length in the header (n * 8) and SPECIAL_FGBG_1/2', () => {
    // Bottom line: mask 0x81. Then masks 0x03 and 0x05 XOR white over the line below.
    expect(decodeRows([0x41, 0x81, O.SPECIAL_FGBG_1, O.SPECIAL_FGBG_2], 8, 3, 24)).toEqual([
      [W, W, W, 0, 0, 0, 0, W],
      [0, W, 0, 0, 0, 0, 0, W],
      [W, 0, 0, 0, 0, 0, 0, W],
    ]);
  });

  it('LITE_SET_FG_FG_RUN, dithered runs, COLOR_IMAGE (MEGA_MEGA), WHITE and BLACK', () => {
    const rows = decodeRows(
      [
        ...[0xc2, ...px24(RED)],
        ...[0xe1, ...px24(BLUE), ...px24(GREEN)],
        ...[O.MEGA_MEGA_COLOR_IMAGE, 2, 0, ...px24(0x123456), ...px24(0x654321)],
        O.WHITE,
        O.BLACK,
      ],
      4,
      2,
      24,
    );
    expect(rows).toEqual([
      [0x123456, 0x654321, W, 0],
      [RED, RED, BLUE, GREEN],
    ]);
  });

  it('reads 16 bpp RGB565 and 15 bpp RGB555 little-endian pixels', () => {
    expect(decodeRows([0x64, 0x00, 0xf8], 4, 1, 16)[0]).toEqual([RED, RED, RED, RED]);
    expect(decodeRows([0x64, 0xe0, 0x03], 4, 1, 15)[0]).toEqual([GREEN, GREEN, GREEN, GREEN]);
    // WHITE is all ones at the depth.
    expect(decodeRows([0x24], 4, 1, 15)[0]).toEqual([W, W, W, W]);
  });

  describe('8 bpp: one-byte pixels that index the palette', () => {
    // A palette whose entry i is the grey i, so each decoded pixel shows its wire value.
    const greys = Uint32Array.from({ length: 256 }, (_, i) => i * 0x010101);
    const g = (i: number) => i * 0x010101;

    it('COLOR_RUN, then BG_RUN copying the line below', () => {
      expect(decodeRows([0x64, 0x2a, 0x04], 4, 2, 8, greys)).toEqual([
        [g(0x2a), g(0x2a), g(0x2a), g(0x2a)],
        [g(0x2a), g(0x2a), g(0x2a), g(0x2a)],
      ]);
    });

    it('FG_RUN paints the all-ones pixel 0xFF, WHITE is 0xFF and BLACK is 0', () => {
      expect(decodeRows([0x22, O.WHITE, O.BLACK], 4, 1, 8, greys)).toEqual([[g(0xff), g(0xff), g(0xff), 0]]);
    });

    it('LITE_SET_FG_FG_RUN and LITE_SET_FG_FGBG_IMAGE carry a one-byte foreground', () => {
      // Line 1: set fg 0x05, 4 pixels. Line 2: set fg 0x30 over line 1 with mask 0b1001.
      expect(decodeRows([0xc4, 0x05, 0xd0, 3, 0x30, 0x09], 4, 2, 8, greys)).toEqual([
        [g(0x35), g(0x05), g(0x05), g(0x35)],
        [g(0x05), g(0x05), g(0x05), g(0x05)],
      ]);
    });

    it('LITE_DITHERED_RUN and COLOR_IMAGE with one byte per pixel', () => {
      expect(decodeRows([0xe2, 0x01, 0x02, 0x84, 9, 8, 7, 6], 4, 2, 8, greys)).toEqual([
        [g(9), g(8), g(7), g(6)],
        [g(1), g(2), g(1), g(2)],
      ]);
    });

    it('looks pixels up in FIXED_PALETTE unless told otherwise', () => {
      expect(decodeRows([0x64, 180], 4, 1, 8)[0]).toEqual(new Array(4).fill(FIXED_PALETTE[180]));
      expect(FIXED_PALETTE[180]).toBe(RED);
    });

    it('encodes a solid colour as one REGULAR_COLOR_RUN of its palette index', () => {
      const frame = new Uint8Array(4 * 2 * 4);
      for (let p = 0; p < frame.length; p += 4) frame.set([0, 0, 0xff, 0], p);
      // 8 pixels of FIXED_PALETTE index 180 (pure red): header 0x3 << 5 | 8, then the one-byte pixel.
      expect(encodeInterleaved({ data: frame, stride: 16, width: 4, height: 2 }, { bpp: 8 }).data).toEqual(
        Uint8Array.from([0x68, 180]),
      );
    });

    it('rejects a palette that is not 256 entries', () => {
      expect(() => decodeRows([0x64, 1], 4, 1, 8, new Uint32Array(16))).toThrow(ProtocolError);
    });
  });

  it('extended regular (+32), lite (+16) and MEGA_MEGA run lengths', () => {
    const long = decodeRows(
      [0x60, 0x00, ...px24(RED), 0xc0, 0x00, ...px24(BLUE), O.MEGA_MEGA_BG_RUN, 16, 0],
      16,
      4,
      24,
    );
    // 32 red pixels; the SET_FG run of 16 on line 3 XORs blue over red; the MEGA_MEGA BG_RUN copies it.
    expect(long.flat().filter((v) => v === RED)).toHaveLength(32);
    expect(long[0]).toEqual(new Array(16).fill(RED ^ BLUE));
    expect(long[1]).toEqual(new Array(16).fill(RED ^ BLUE));
  });

  const bad: [string, number[]][] = [
    ['a truncated pixel', [0x64, 0x00]],
    ['a truncated run length', [0x00]],
    ['an order past the end of the bitmap', [0x65, 1, 2, 3]],
    ['an unknown order', [0xa4]],
    ['a reserved MEGA code', [0xf5, 4, 0]],
    ['a stream that underfills the bitmap', [0x62, 1, 2, 3]],
    ['missing FGBG masks', [0x41]],
  ];
  for (const [name, bytes] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => decodeInterleaved(Uint8Array.from(bytes), 4, 1, 24, new Uint8Array(16))).toThrow(ProtocolError);
    });
  }
});

describe('interleaved round trips', () => {
  for (const bpp of [8, 15, 16, 24] as const) {
    for (const pattern of PATTERNS) {
      it(`${pattern} at ${bpp} bpp, widths 4..256, odd heights`, () => {
        for (const [width, height] of [
          [4, 1],
          [5, 3],
          [13, 7],
          [64, 64],
          [61, 33],
          [256, 9],
        ]) {
          const frame = makeFrame(pattern, width + 2, height + 1, width * height);
          const stride = (width + 2) * 4;
          const enc = encodeInterleaved({ data: frame, stride, x: 1, y: 1, width, height }, { bpp });
          expect(enc.width % 4).toBe(0);
          expect(enc.width - width).toBeLessThan(4);
          const dst = new Uint8Array(enc.width * height * 4);
          decodeInterleaved(enc.data, enc.width, height, bpp, dst);
          for (let y = 0; y < height; y++) {
            for (let x = 0; x < enc.width; x++) {
              const want = expected(bpp, frame, ((y + 1) * (width + 2) + 1 + Math.min(x, width - 1)) * 4);
              const got = rgbAt(dst, (y * enc.width + x) * 4);
              if (got !== want)
                throw new Error(`${width}x${height} pixel ${x},${y}: ${got.toString(16)} != ${want.toString(16)}`);
            }
          }
        }
      });
    }
  }

  it('uses the cheap orders: a solid 64x64 tile is a few bytes, text beats raw by far', () => {
    const solid = encodeInterleaved(
      { data: makeFrame('solid', 64, 64), stride: 256, width: 64, height: 64 },
      { bpp: 16 },
    );
    expect(solid.data.byteLength).toBeLessThan(16);
    const text = encodeInterleaved(
      { data: makeFrame('text', 64, 64), stride: 256, width: 64, height: 64 },
      { bpp: 24 },
    );
    expect(text.data.byteLength).toBeLessThan((64 * 64 * 3) / 4);
  });

  it('packs pixels as palette indices / RGB555 / RGB565 / 0xRRGGBB', () => {
    expect(packPixel(8, 0, 0, 0xff)).toBe(180);
    expect(packPixel(16, 0, 0, 0xff)).toBe(0xf800);
    expect(packPixel(15, 0, 0xff, 0)).toBe(0x03e0);
    expect(packPixel(24, 0x12, 0x34, 0x56)).toBe(0x563412);
  });
});

describe('interleaved decoder fuzz', () => {
  it('throws only ProtocolError on random and mutated streams', () => {
    const rand = rng(0x1e4f);
    const frame = makeFrame('desktop', 32, 32, 9);
    const depths = [8, 15, 16, 24] as const;
    const valid = depths.map(
      (bpp) => encodeInterleaved({ data: frame, stride: 128, width: 32, height: 32 }, { bpp }).data,
    );
    const dst = new Uint8Array(32 * 32 * 4);
    let rejected = 0;
    for (let iter = 0; iter < 4000; iter++) {
      const k = (iter >> 1) % 4;
      const bpp = depths[k];
      let bytes: Uint8Array;
      if (iter % 2 === 0) {
        bytes = Uint8Array.from({ length: (rand() * 300) | 0 }, () => (rand() * 256) | 0);
      } else {
        bytes = valid[k].slice(0, 1 + ((rand() * valid[k].length) | 0));
        for (let m = 0; m < 1 + rand() * 4; m++) bytes[(rand() * bytes.length) | 0] = (rand() * 256) | 0;
      }
      const w = iter % 4 === 1 ? 32 : 1 + ((rand() * 32) | 0);
      const h = iter % 4 === 1 ? 32 : 1 + ((rand() * 32) | 0);
      try {
        decodeInterleaved(bytes, w, h, bpp, dst);
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });
});
