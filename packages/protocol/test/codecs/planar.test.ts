import { describe, expect, it } from 'vitest';
import { decodePlanar, encodePlanar, encodePlanarScanLine, PlanarHeader, ProtocolError } from '../../src/index.js';
import { makeFrame, PATTERNS, rgbAt, rng } from './images.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function scanLine(values: number[]): string {
  const out = new Uint8Array(64);
  const n = encodePlanarScanLine(Uint8Array.from(values), values.length, out, 0);
  return hex(out.subarray(0, n));
}

/** A 3-plane (NA) planar stream whose three colour planes are all `plane`. */
function greyStream(header: number, plane: number[]): Uint8Array {
  return Uint8Array.from([header, ...plane, ...plane, ...plane]);
}

describe('planar RLE against [MS-RDPEGDI] 3.1.9.2 examples', () => {
  it('segments AAAABBCCCCCD as RAW[A] RUN[3], RAW[BBC] RUN[4], RAW[D] RUN[0]', () => {
    expect(scanLine([...'AAAABBCCCCCD'].map((c) => c.charCodeAt(0)))).toBe('1341' + '34424243' + '1044');
  });

  it('encodes 100 repeated values as 0x1F 0x41 0xF2 0x52 (3.1.9.2.2 extra long RUN)', () => {
    expect(scanLine(new Array(100).fill(0x41))).toBe('1f41f252');
  });

  it('delta-encodes the 10..60 / 5..55 / 5..55 example as RAW+RUN[0], RAW[-5] RUN[5], RUN[6]', () => {
    const rows = [
      [10, 20, 30, 40, 50, 60],
      [5, 15, 25, 35, 45, 55],
      [5, 15, 25, 35, 45, 55],
    ];
    const frame = new Uint8Array(6 * 3 * 4);
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 6; x++) frame.fill(rows[y][x], (y * 6 + x) * 4, (y * 6 + x) * 4 + 3);
    }
    const { data } = encodePlanar({ data: frame, stride: 24, width: 6, height: 3 }, { bottomUp: false });
    expect(data[0]).toBe(PlanarHeader.RLE);
    // Opaque alpha: RAW[FF] RUN[5], then two all-zero delta lines RUN[6].
    const alpha = '15ff' + '06' + '06';
    // -5 on the wire is magnitude 5 shifted left with the sign in bit 0: 9.
    const plane = '600a141e28323c' + '1509' + '06';
    expect(hex(data.subarray(1))).toBe(alpha + plane + plane + plane);
  });

  it('decodes the 6x3 plane of 3.1.9.2.3 (absolute first line, then sign-folded deltas)', () => {
    const plane = [
      0x13, 0xff, 0x20, 0xfe, 0xfd, 0x60, 0x01, 0x7d, 0xf5, 0xc2, 0x9a, 0x38, 0x60, 0x01, 0x67, 0x8b, 0xa3, 0x78, 0xaf,
    ];
    const dst = new Uint8Array(6 * 3 * 4);
    decodePlanar(greyStream(0x30, plane), 6, 3, dst, { bottomUp: false });
    const red = Array.from({ length: 18 }, (_, i) => dst[i * 4 + 2]);
    // Row 2 = row 1 + (-1, -63, -123, 97, 77, 28); row 3 = row 2 + (-1, -52, -70, -82, 60, -88), mod 256.
    expect(red).toEqual([255, 255, 255, 255, 254, 253, 254, 192, 132, 96, 75, 25, 253, 140, 62, 14, 135, 193]);
    expect(Array.from({ length: 18 }, (_, i) => dst[i * 4 + 3])).toEqual(new Array(18).fill(255));
  });
});

describe('planar FormatHeader and a 4x2 bitmap derived from [MS-RDPEGDI] 2.2.2.5.1 / 3.1.9.2', () => {
  // Top row P P P P, bottom row P P Q Q with P = (B 0x10, G 0x20, R 0x30) and Q = (B 0x18, G 0x20, R 0x28).
  // Bitmap Updates put the bottom row first in the stream.
  const frame = new Uint8Array(4 * 2 * 4);
  for (let i = 0; i < 8; i++)
    frame.set(i === 6 || i === 7 ? [0x18, 0x20, 0x28, 0x00] : [0x10, 0x20, 0x30, 0x00], i * 4);
  // FormatHeader RLE (0x10): CLL 0, no CS, alpha plane present.
  // Alpha (opaque): line 0 FF FF FF FF = RAW[FF] RUN[3]; line 1 deltas 0 0 0 0 = RUN[4].
  // Red: line 0 30 30 28 28 has no run of 3, RAW[4]; line 1 deltas 0 0 +8 +8 → 00 00 10 10, RAW[4].
  // Green: 20 20 20 20 = RAW[20] RUN[3]; deltas all 0 = RUN[4].
  // Blue: line 0 10 10 18 18 RAW[4]; line 1 deltas 0 0 -8 -8 → 00 00 0F 0F (-8 is 8 << 1, minus 1).
  const rle = '10' + '13ff04' + '4030302828' + '4000001010' + '132004' + '4010101818' + '4000000f0f';
  // Raw planes (FormatHeader 0x00): A, R, G, B, each bottom line first, then the Pad byte.
  const raw = '00' + 'ff'.repeat(8) + '3030282830303030' + '20'.repeat(8) + '1010181810101010' + '00';

  it('encodes the RLE form with the alpha plane byte for byte', () => {
    const enc = encodePlanar({ data: frame, stride: 16, width: 4, height: 2 });
    expect(enc.data[0]).toBe(PlanarHeader.RLE);
    expect(hex(enc.data)).toBe(rle);
  });

  it('encodes raw planes with the alpha plane and the Pad byte', () => {
    expect(hex(encodePlanar({ data: frame, stride: 16, width: 4, height: 2 }, { rle: false }).data)).toBe(raw);
  });

  it('decodes both vectors and the no-alpha (NA) forms to the same pixels', () => {
    const noAlphaRle = `30${rle.slice(2 + 6)}`;
    const noAlphaRaw = `20${raw.slice(2 + 16)}`;
    for (const stream of [rle, raw, noAlphaRle, noAlphaRaw]) {
      const dst = new Uint8Array(32);
      decodePlanar(Buffer.from(stream, 'hex'), 4, 2, dst);
      const want = Uint8Array.from(frame);
      for (let p = 3; p < 32; p += 4) want[p] = 0xff;
      expect(hex(dst)).toBe(hex(want));
    }
  });
});

describe('planar round trips', () => {
  const widths = [1, 3, 4, 17, 64, 100, 256];
  for (const pattern of PATTERNS) {
    for (const width of widths) {
      it(`${pattern} ${width}x37 survives encode/decode (RLE, raw, alpha, both orientations)`, () => {
        const height = 37;
        const frame = makeFrame(pattern, width + 5, height + 2, width);
        const src = { data: frame, stride: (width + 5) * 4, x: 3, y: 1, width, height };
        for (const options of [{}, { rle: false }, { alpha: true }, { bottomUp: false }, { padWidth: true }]) {
          const enc = encodePlanar(src, options);
          const dst = new Uint8Array(enc.width * height * 4);
          decodePlanar(enc.data, enc.width, height, dst, { bottomUp: options.bottomUp ?? true });
          for (let y = 0; y < height; y++) {
            for (let x = 0; x < enc.width; x++) {
              const sp = ((y + 1) * (width + 5) + 3 + Math.min(x, width - 1)) * 4;
              const dp = (y * enc.width + x) * 4;
              if (rgbAt(dst, dp) !== ((frame[sp + 2] << 16) | (frame[sp + 1] << 8) | frame[sp])) {
                throw new Error(`pixel ${x},${y} differs with ${JSON.stringify(options)}`);
              }
              expect(dst[dp + 3]).toBe(options.alpha ? frame[sp + 3] : 255);
            }
          }
        }
      });
    }
  }

  it('puts the bottom row first by default and the top row first with bottomUp false', () => {
    const frame = new Uint8Array(4 * 2 * 4);
    frame.fill(0x11, 0, 16); // top row
    frame.fill(0x99, 16, 32); // bottom row
    const up = encodePlanar({ data: frame, stride: 16, width: 4, height: 2 }, { rle: false });
    // After the header and the 8 samples of the opaque alpha plane comes the red plane.
    expect(up.data[9]).toBe(0x99);
    const down = encodePlanar({ data: frame, stride: 16, width: 4, height: 2 }, { rle: false, bottomUp: false });
    expect(down.data[9]).toBe(0x11);
  });

  it('compresses a solid 64x64 tile to a few bytes and keeps RLE with alpha (0x10) even for noise', () => {
    const solid = encodePlanar({ data: makeFrame('solid', 64, 64), stride: 256, width: 64, height: 64 });
    expect(solid.data.byteLength).toBeLessThan(64 * 4 * 6);
    expect(solid.data[0]).toBe(0x10);
    const noise = encodePlanar({ data: makeFrame('noise', 64, 64), stride: 256, width: 64, height: 64 });
    expect(noise.data[0]).toBe(0x10);
    // Opaque alpha (RAW[FF] RUNs, then one RUN per line), then at worst 64 RAW bytes per line in 15-byte
    // segments: 5 control bytes, one more where a run splits them.
    expect(noise.data.byteLength).toBeLessThanOrEqual(1 + 6 + 63 + 3 * 64 * (64 + 5 + 1));
    expect(noise.data.byteLength).toBeGreaterThan(3 * 64 * 64);
  });

  it('decodes AYCoCg planes with colour loss and chroma subsampling', () => {
    // 2x2 pixels of one colour: Y=100, Co=+20, Cg=-10 at CLL 1 (no shift); subsampled chroma is 1x1.
    const stream = Uint8Array.from([PlanarHeader.NA | PlanarHeader.CS | 1, 100, 100, 100, 100, 20, 0xf6]);
    const dst = new Uint8Array(16);
    decodePlanar(stream, 2, 2, dst);
    // R = Y + Co - Cg = 130, G = Y + Cg = 90, B = Y - Co - Cg = 90.
    for (let p = 0; p < 16; p += 4) expect([dst[p + 2], dst[p + 1], dst[p], dst[p + 3]]).toEqual([130, 90, 90, 255]);
    // CLL 3 shifts the stored chroma left by 2 before use: Co 5 → 20, Cg 0xFD (-3) → -12.
    decodePlanar(Uint8Array.from([PlanarHeader.NA | 3, 100, 5, 0xfd]), 1, 1, dst);
    expect([dst[2], dst[1], dst[0]]).toEqual([132, 88, 92]);
  });
});

describe('planar decoder rejects bad streams', () => {
  const dst = new Uint8Array(8 * 8 * 4);
  const cases: [string, number[]][] = [
    ['empty', []],
    ['truncated raw planes', [0x20, 1, 2, 3]],
    ['truncated RLE plane', [0x30, 0x13]],
    ['segment past the scan line', [0x30, 0x0f]],
    ['chroma subsampling with ARGB', [0x28]],
  ];
  for (const [name, bytes] of cases) {
    it(name, () => expect(() => decodePlanar(Uint8Array.from(bytes), 8, 8, dst)).toThrow(ProtocolError));
  }
  it('a destination that is too small', () => {
    expect(() => decodePlanar(Uint8Array.from([0x30]), 8, 8, new Uint8Array(10))).toThrow(ProtocolError);
  });
});

describe('planar decoder fuzz', () => {
  it('throws only ProtocolError on random and mutated streams', () => {
    const rand = rng(0x51a4);
    const frame = makeFrame('desktop', 24, 24, 3);
    const valid = [{}, { rle: false }, { alpha: true }].map(
      (o) => encodePlanar({ data: frame, stride: 96, width: 24, height: 24 }, o).data,
    );
    const dst = new Uint8Array(24 * 24 * 4);
    let rejected = 0;
    for (let iter = 0; iter < 4000; iter++) {
      let bytes: Uint8Array;
      if (iter % 2 === 0) {
        bytes = Uint8Array.from({ length: (rand() * 400) | 0 }, () => (rand() * 256) | 0);
      } else {
        bytes = valid[iter % 3].slice(0, 1 + ((rand() * valid[iter % 3].length) | 0));
        for (let m = 0; m < 1 + rand() * 4; m++) bytes[(rand() * bytes.length) | 0] = (rand() * 256) | 0;
      }
      const w = 1 + ((rand() * 24) | 0);
      const h = 1 + ((rand() * 24) | 0);
      try {
        decodePlanar(bytes, w, h, dst, { bottomUp: rand() < 0.5 });
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });
});
