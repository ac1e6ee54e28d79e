import { describe, expect, it } from 'vitest';
import {
  ByteReader,
  decodeRlgr,
  dequantize,
  differentialDecode,
  dwtScratch,
  encodeRlgr,
  inverseDwt,
  inverseDwtReduceExtrapolate,
  RFX_SUBBAND_LAYOUT,
  RfxSubband,
  RlgrMode,
  readComponentCodecQuant,
  rfxYCbCrToBgra,
} from '../../src/index.js';
import { prng } from '../data/fuzz.js';
import { referenceDecodeRlgr, referenceInverseDwt, referenceYCbCrToBgra } from './rfx-reference.js';
import { RFX_SAMPLE_MESSAGES, RFX_SAMPLE_PICTURE } from './rfx-spec-sample.js';

const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

/** Coefficients shaped like a tile's: mostly zeros, runs of them, a few large values. */
function randomCoefficients(rand: () => number, length: number): Int16Array {
  const out = new Int16Array(length);
  const density = rand();
  for (let i = 0; i < length; i++) {
    if (rand() > density) continue;
    const big = rand() < 0.05;
    const magnitude = Math.floor(rand() * (big ? 30000 : 12)) + 1;
    out[i] = rand() < 0.5 ? -magnitude : magnitude;
  }
  return out;
}

describe('RLGR ([MS-RDPRFX] 3.1.8.1.7)', () => {
  for (const [name, mode] of Object.entries(RlgrMode)) {
    it(`${name}: random coefficient arrays round-trip through encodeRlgr and decodeRlgr`, () => {
      const rand = prng(mode);
      for (let round = 0; round < 60; round++) {
        const values = randomCoefficients(rand, round % 10 === 0 ? Math.floor(rand() * 50) : 4096);
        const out = new Int16Array(values.length);
        decodeRlgr(encodeRlgr(values, mode), mode, out);
        expect(out).toEqual(values);
      }
    });
  }

  it('4096 zeros take a few bytes, and data that ends early leaves zeros', () => {
    expect(encodeRlgr(new Int16Array(4096), RlgrMode.RLGR1).length).toBeLessThanOrEqual(8);
    const out = new Int16Array(16).fill(7);
    decodeRlgr(new Uint8Array(0), RlgrMode.RLGR1, out);
    expect(out).toEqual(new Int16Array(16));
  });

  it('any bytes decode to exactly the output size, in time linear in the input', () => {
    const rand = prng(7);
    const out = new Int16Array(4096);
    for (let i = 0; i < 300; i++) {
      const data = new Uint8Array(Math.floor(rand() * 3000)).map(() =>
        rand() < 0.3 ? 0xff : Math.floor(rand() * 256),
      );
      decodeRlgr(data, rand() < 0.5 ? RlgrMode.RLGR1 : RlgrMode.RLGR3, out);
    }
  });
});

describe('the RemoteFX tile pipeline against [MS-RDPRFX] 4.2.4', () => {
  it('RLGR3, LL3 differences, dequantization, inverse DWT and colour conversion give the spec picture (within 1)', () => {
    const messages = fromHex(RFX_SAMPLE_MESSAGES);
    // FRAME_BEGIN (14) and REGION (23), then the TILESET: 22 bytes of header, one quant, one CBT_TILE.
    const tileset = 14 + 23;
    const r = new ByteReader(messages.subarray(tileset + 22), 'TS_RFX_TILESET');
    const quant = readComponentCodecQuant(r);
    r.skip(6 + 3 + 4);
    const lengths = [r.u16le(), r.u16le(), r.u16le()];
    const planes = lengths.map((n) => {
      const plane = new Int16Array(4096);
      decodeRlgr(r.bytesView(n), RlgrMode.RLGR3, plane);
      differentialDecode(plane, RFX_SUBBAND_LAYOUT.offsets[RfxSubband.LL3], 64);
      dequantize(
        plane,
        Array.from(quant, (q) => q - 1),
        RFX_SUBBAND_LAYOUT,
      );
      inverseDwt(plane, dwtScratch());
      return plane;
    });
    const pixels = new Uint8Array(4096 * 4);
    rfxYCbCrToBgra(planes[0], planes[1], planes[2], 0, 4096, pixels, 0);
    const picture = fromHex(RFX_SAMPLE_PICTURE);
    let worst = 0;
    for (let i = 0; i < 4096; i++) {
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(pixels[i * 4 + 2 - c] - picture[i * 3 + c]));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
});

describe('inverse DWTs', () => {
  for (const [name, dwt] of [
    ['RemoteFX', inverseDwt],
    ['reduce-extrapolate', inverseDwtReduceExtrapolate],
  ] as const) {
    it(`${name}: a DC-only tile (LL3 alone) is flat`, () => {
      const coefficients = new Int16Array(4096);
      const ll3 = name === 'RemoteFX' ? 4032 : 4015;
      coefficients.fill(1000, ll3);
      dwt(coefficients, dwtScratch());
      expect(new Set(coefficients)).toEqual(new Set([1000]));
    });
  }
});

describe('the tuned tile kernels give the values of the straightforward ones (rfx-reference.ts)', () => {
  const rand = prng(11);
  const randomBytes = (length: number) =>
    new Uint8Array(length).map(() => (rand() < 0.3 ? (rand() < 0.5 ? 0xff : 0) : Math.floor(rand() * 256)));
  const randomInt16 = (length: number, magnitude: number) =>
    new Int16Array(length).map(() => Math.floor((rand() * 2 - 1) * magnitude));

  it('decodeRlgr, on encoded tiles and on any bytes, of any length', () => {
    for (let round = 0; round < 150; round++) {
      const mode = round % 2 === 0 ? RlgrMode.RLGR1 : RlgrMode.RLGR3;
      const size = round % 7 === 0 ? Math.floor(rand() * 100) : 4096;
      const data =
        round % 3 === 0 ? encodeRlgr(randomCoefficients(rand, size), mode) : randomBytes(Math.floor(rand() * 4000));
      const tuned = new Int16Array(size).fill(3);
      const reference = new Int16Array(size).fill(3);
      decodeRlgr(data, mode, tuned);
      referenceDecodeRlgr(data, mode, reference);
      expect(tuned).toEqual(reference);
    }
  });

  it('inverseDwt, including values that overflow 16 bits on the way', () => {
    for (let round = 0; round < 60; round++) {
      const coefficients = randomInt16(4096, round % 2 === 0 ? 32768 : 2000);
      const reference = coefficients.slice();
      inverseDwt(coefficients, dwtScratch());
      referenceInverseDwt(reference, dwtScratch());
      expect(coefficients).toEqual(reference);
    }
  });

  it('rfxYCbCrToBgra, into aligned and unaligned output', () => {
    for (let round = 0; round < 20; round++) {
      const [y, cb, cr] = [0, 1, 2].map(() => randomInt16(4096, round % 2 === 0 ? 32768 : 5000));
      const at = round * 3;
      const outAt = round % 4;
      const tuned = new Uint8Array(4096 * 4 + 4);
      const reference = new Uint8Array(4096 * 4 + 4);
      rfxYCbCrToBgra(y, cb, cr, at, 4096 - at, tuned, outAt);
      referenceYCbCrToBgra(y, cb, cr, at, 4096 - at, reference, outAt);
      expect(tuned).toEqual(reference);
    }
  });
});
