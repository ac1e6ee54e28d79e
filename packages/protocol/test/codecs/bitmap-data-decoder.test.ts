import { describe, expect, it } from 'vitest';
import {
  type BitmapData,
  BitmapDataFlags,
  type BitmapSource,
  decodeBitmapData,
  type EncodedBitmap,
  encodeInterleaved,
  encodePlanar,
  encodeRaw,
  ProtocolError,
} from '../../src/index.js';
import { expected, makeFrame, rgbAt } from './images.js';

const WIDTH = 13;
const HEIGHT = 7;
const frame = makeFrame('desktop', WIDTH, HEIGHT, 3);
const source: BitmapSource = { data: frame, stride: WIDTH * 4, width: WIDTH, height: HEIGHT };

const rectOf = (enc: EncodedBitmap, flags: number): BitmapData => ({
  destLeft: 0,
  destTop: 0,
  destRight: WIDTH - 1,
  destBottom: HEIGHT - 1,
  width: enc.width,
  height: enc.height,
  bitsPerPixel: enc.bpp,
  flags,
  data: enc.data,
});

const COMPRESSED = BitmapDataFlags.COMPRESSION | BitmapDataFlags.NO_COMPRESSION_HDR;

describe('decodeBitmapData picks the codec from the rectangle', () => {
  const cases: [string, BitmapData][] = [
    ['planar at 32 bpp', rectOf(encodePlanar(source, { padWidth: true }), COMPRESSED)],
    ...([8, 15, 16, 24] as const).map((bpp): [string, BitmapData] => [
      `interleaved at ${bpp} bpp`,
      rectOf(encodeInterleaved(source, { bpp }), COMPRESSED),
    ]),
    ...([8, 15, 16, 24, 32] as const).map((bpp): [string, BitmapData] => [
      `uncompressed at ${bpp} bpp`,
      rectOf(encodeRaw(source, { bpp }), 0),
    ]),
  ];
  for (const [name, rect] of cases) {
    it(name, () => {
      const dst = new Uint8Array(rect.width * rect.height * 4);
      decodeBitmapData(rect, dst);
      const bpp = rect.bitsPerPixel as 8 | 15 | 16 | 24 | 32;
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++) {
          expect(rgbAt(dst, (y * rect.width + x) * 4)).toBe(expected(bpp, frame, (y * WIDTH + x) * 4));
        }
      }
    });
  }

  it('rejects depths no codec carries', () => {
    const rect = rectOf(encodeRaw(source, { bpp: 16 }), 0);
    const dst = new Uint8Array(rect.width * rect.height * 4);
    expect(() => decodeBitmapData({ ...rect, bitsPerPixel: 4 }, dst)).toThrow(ProtocolError);
    expect(() => decodeBitmapData({ ...rect, bitsPerPixel: 12, flags: COMPRESSED }, dst)).toThrow(ProtocolError);
  });
});
